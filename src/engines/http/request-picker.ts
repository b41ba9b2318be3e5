/**
 * Smooth weighted round-robin: picks request i in exact proportion to its weight, evenly interleaved,
 * with no randomness (a 3:1 mix gives A A B A A A B A ... rather than a random walk).
 */
export class WeightedPicker {
  private readonly current: number[];
  private readonly total: number;

  constructor(private readonly weights: readonly number[]) {
    this.current = weights.map(() => 0);
    this.total = weights.reduce((a, b) => a + b, 0);
  }

  next(): number {
    if (this.weights.length === 1) return 0;
    let best = 0;
    for (let i = 0; i < this.weights.length; i++) {
      this.current[i] = (this.current[i] as number) + (this.weights[i] as number);
      if ((this.current[i] as number) > (this.current[best] as number)) best = i;
    }
    this.current[best] = (this.current[best] as number) - this.total;
    return best;
  }

  /**
   * `count` picks at once, as counts per index: each gets its exact share by weight, the remainder by `next()`.
   * What a generator uses to attribute millions of dropped starts without picking them one by one.
   */
  split(count: number): number[] {
    const counts = this.weights.map((w) => Math.floor((count * w) / this.total));
    let left = count - counts.reduce((a, b) => a + b, 0);
    for (; left > 0; left--) {
      const i = this.next();
      counts[i] = (counts[i] as number) + 1;
    }
    return counts;
  }
}
