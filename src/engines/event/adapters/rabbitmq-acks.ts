import type { Channel, ConsumeMessage } from 'amqplib';

interface Held {
  readonly msg: ConsumeMessage;
  /** Told once the delivery's ack has been written (or its channel is gone): stop() waits for it. */
  readonly released: () => void;
  done: boolean;
}

/**
 * Acknowledgements of one consumer channel, batched: what was handled in one turn of the event loop is acked with
 * one basic.ack (multiple = true) up to the newest delivery whose predecessors are all handled, as a plain client
 * acks a window at once. Only a handled prefix is ever acknowledged, so nothing is acked before its handler is done.
 */
export class RabbitAcks {
  private held: Held[] = [];
  private head = 0;
  private scheduled = false;

  constructor(
    private readonly channel: Channel,
    /** False once the channel was replaced or closed: its delivery tags mean nothing any more. */
    private readonly current: () => boolean,
  ) {}

  /** A delivery handed to the handler; call the returned function once the handler is done with it. */
  hold(msg: ConsumeMessage, released: () => void): () => void {
    const h: Held = { msg, released, done: false };
    this.held.push(h);
    return () => {
      h.done = true;
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    };
  }

  private flush(): void {
    this.scheduled = false;
    const from = this.head;
    while (this.head < this.held.length && (this.held[this.head] as Held).done) this.head++;
    const acked = this.held.slice(from, this.head);
    if (this.head === this.held.length) {
      this.held = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.held = this.held.slice(this.head);
      this.head = 0;
    }
    const last = acked[acked.length - 1];
    if (last !== undefined && this.current()) {
      try {
        this.channel.ack(last.msg, true);
      } catch {
        // closed between the check and the ack: the broker redelivers, and duplicates are counted
      }
    }
    for (const h of acked) h.released();
  }
}
