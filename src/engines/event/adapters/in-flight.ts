/**
 * Deliveries handed to a handler and not yet acknowledged, for one consumer. A consumer's stop() waits on idle()
 * so that everything it was handed is processed and acknowledged (the BrokerAdapter contract), not redelivered.
 */
export class InFlight {
  private n = 0;
  private waiters: (() => void)[] = [];

  get count(): number {
    return this.n;
  }

  add(): void {
    this.n++;
  }

  done(): void {
    this.n--;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when one delivery finishes (or at once when none is held). */
  next(): Promise<void> {
    if (this.n === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Resolves when nothing is held, or after `ms`. The timer does not keep the process alive: the consumer runner
   * stops waiting on a stop after its own grace, and a delivery its consumer will never finish (one handed over as
   * the run closed) otherwise held the process open for the whole `ms` after the result was printed.
   */
  async idle(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (this.n > 0 && Date.now() < until) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.next(),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, until - Date.now()).unref())),
      ]);
      clearTimeout(timer);
    }
  }
}
