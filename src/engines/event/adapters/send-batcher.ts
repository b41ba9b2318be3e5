/**
 * Coalesces the records published in one event-loop turn into one request, as Kafka's own producer does with what
 * accumulates while it is busy (linger.ms=0). kafkajs sends one request per `send()`, which caps a lone producer at
 * a few thousand records per second; a Redis command per entry costs the client more than the entry. A burst of the
 * schedule's starts now shares a request, and each record's ack latency is still that of the request that carried
 * it (waiting for the turn to end included).
 */
export interface BatchLimits {
  /** Most records in one request. */
  records: number;
  /** Most payload bytes in one request: stays well under the broker's default message.max.bytes (1 MiB). */
  bytes: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { records: 500, bytes: 512 * 1024 };

interface Pending<R> {
  record: R;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class SendBatcher<R> {
  private queue: Pending<R>[] = [];
  private queuedBytes = 0;
  private scheduled = false;

  constructor(
    /**
     * Sends one batch. It resolves with nothing when every record was taken, or with one outcome per record (an
     * Error for a record the broker refused) when the request carries them one by one.
     */
    private readonly send: (records: R[]) => Promise<readonly (Error | undefined)[] | void>,
    private readonly sizeOf: (record: R) => number,
    private readonly limits: BatchLimits = DEFAULT_BATCH_LIMITS,
  ) {}

  /** Resolves when the request carrying `record` is acknowledged; rejects with its own or that request's error. */
  add(record: R): Promise<void> {
    return new Promise((resolve, reject) => {
      const size = this.sizeOf(record);
      if (this.queue.length >= this.limits.records || this.queuedBytes + size > this.limits.bytes) this.flush();
      this.queue.push({ record, resolve, reject });
      this.queuedBytes += size;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.queuedBytes = 0;
    this.send(batch.map((p) => p.record)).then(
      (outcomes) =>
        batch.forEach((p, i) => {
          const error = outcomes?.[i];
          if (error === undefined) p.resolve();
          else p.reject(error);
        }),
      (error: unknown) => batch.forEach((p) => p.reject(error)),
    );
  }
}
