/**
 * Deliveries handled in the same turn of the event loop share one acknowledgement (Redis XACK takes many ids), as a
 * plain client acks a whole read at once; with a slow handler each is still acknowledged soon after it is done,
 * not when the whole read is.
 */
export class AckBatch<T> {
  private ids: T[] = [];
  private sent: Promise<void>[] = [];
  private scheduled = false;

  constructor(private readonly send: (ids: T[]) => Promise<void>) {}

  add(id: T): void {
    this.ids.push(id);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.sendNow());
  }

  private sendNow(): void {
    this.scheduled = false;
    if (this.ids.length === 0) return;
    this.sent.push(this.send(this.ids));
    this.ids = [];
  }

  /** Sends what is left and waits for every XACK sent. */
  async flush(): Promise<void> {
    this.sendNow();
    await Promise.all(this.sent);
  }
}
