/**
 * `{{seq}}` values for one load generator. When a run is split across shards and worker threads, generator
 * `slot` of `count` hands out slot, slot + count, slot + 2·count …, so every value is used by exactly one
 * generator and the union over generators is distinct (0, 1, 2 … interleaved), with no coordination at run time.
 */
export class SequenceNumbers {
  private value: number;

  constructor(
    slot = 0,
    private readonly stride = 1,
  ) {
    if (!Number.isInteger(slot) || !Number.isInteger(stride) || stride < 1 || slot < 0 || slot >= stride) {
      throw new RangeError(`invalid sequence slot ${slot} of ${stride}`);
    }
    this.value = slot;
  }

  next(): number {
    const v = this.value;
    this.value += this.stride;
    return v;
  }
}
