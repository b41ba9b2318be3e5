/**
 * The demo event broker (`events.broker: demo`): an in-process, in-memory queue with competing consumers,
 * prefetch and acknowledgements, so a first run shows the event engine at work with nothing installed. It is a
 * demo, not a broker: no persistence, no network, and latencies that say nothing about a real one. Results mark
 * it (`events.demo: true`) and the terminal says so.
 */
import type {
  BrokerAdapter,
  BrokerTarget,
  ConsumerHandle,
  ConsumerSpec,
  Delivery,
  DeliveryHandler,
  LagReading,
  OutgoingMessage,
} from '../engines/event/broker-adapter.js';
import { InFlight } from '../engines/event/adapters/in-flight.js';
import type { AdapterSource } from '../engines/event/queue-run.js';

interface Subscriber {
  handler: DeliveryHandler;
  prefetch: number;
  held: InFlight;
  active: boolean;
}

/** One queue: ready messages in arrival order, handed round-robin to subscribers with room under their prefetch. */
class DemoQueue {
  private ready: Delivery[] = [];
  private head = 0;
  private readonly subscribers: Subscriber[] = [];
  private next = 0;
  private scheduled = false;
  unacked = 0;

  get readyCount(): number {
    return this.ready.length - this.head;
  }

  /** Drops every ready message, as a queue purge does (unacknowledged ones stay with their consumers). */
  purge(): number {
    const n = this.readyCount;
    this.ready = [];
    this.head = 0;
    return n;
  }

  push(message: OutgoingMessage): void {
    this.ready.push({ body: message.body, headers: { ...message.headers }, redelivered: false });
    this.schedule();
  }

  subscribe(s: Subscriber): void {
    this.subscribers.push(s);
    this.schedule();
  }

  /** Delivers on a later turn of the event loop, as a network hop would, and in batches. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    const live = this.subscribers.filter((s) => s.active);
    let idle = 0;
    while (this.readyCount > 0 && live.length > 0 && idle < live.length) {
      const s = live[this.next++ % live.length] as Subscriber;
      if (s.held.count >= s.prefetch) {
        idle++;
        continue;
      }
      idle = 0;
      const delivery = this.ready[this.head++] as Delivery;
      s.held.add();
      this.unacked++;
      void s.handler(delivery).then(() => {
        s.held.done();
        this.unacked--;
        this.schedule();
      });
    }
    if (this.head > 4096 && this.head * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.head);
      this.head = 0;
    }
  }
}

/** The broker: named queues, created on first use. */
export class DemoBroker {
  private readonly queues = new Map<string, DemoQueue>();

  queue(name: string): DemoQueue {
    let q = this.queues.get(name);
    if (q === undefined) this.queues.set(name, (q = new DemoQueue()));
    return q;
  }

  delete(name: string): void {
    this.queues.delete(name);
  }

  /** Hands out adapters bound to this broker; its consumers must live in this thread. */
  adapters(): AdapterSource {
    return { create: async (target) => new DemoBrokerAdapter(this, target), consumersInline: true };
  }
}

class DemoBrokerAdapter implements BrokerAdapter {
  readonly broker = 'demo broker (in-process)';

  constructor(
    private readonly demo: DemoBroker,
    private readonly target: BrokerTarget,
  ) {}

  async connect(): Promise<void> {}

  async prepare(): Promise<void> {
    this.demo.queue(this.target.destination);
  }

  async publish(message: OutgoingMessage): Promise<void> {
    this.demo.queue(this.target.destination).push(message);
    // The confirmation also arrives on a later turn, as it would over a socket.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async consume(spec: ConsumerSpec, handler: DeliveryHandler): Promise<ConsumerHandle> {
    const s: Subscriber = { handler, prefetch: spec.prefetch, held: new InFlight(), active: true };
    this.demo.queue(this.target.destination).subscribe(s);
    return {
      stop: async () => {
        s.active = false;
        await s.held.idle(10_000);
      },
    };
  }

  async lag(): Promise<LagReading> {
    const q = this.demo.queue(this.target.destination);
    return {
      messages: q.readyCount + q.unacked,
      parts: { ready: q.readyCount, unacknowledged: q.unacked },
      source: 'demo broker (ready + unacknowledged)',
      excludesUnacked: false,
    };
  }

  async destroy(): Promise<void> {
    this.demo.delete(this.target.destination);
  }

  async close(): Promise<void> {}
}
