// The plain-client side of the events benchmark, run as its own process:
//   node bench/events-plain.js <redis|rabbitmq|nats|kafka> <url> <name> <rate> <seconds> <window> <bytes> <drainS>
// One process publishes on an open schedule (arrival k due at k/rate) with at most <window> unconfirmed, and
// consumes in the same process, with the broker's usual client library used the usual way: no envelope, no
// histograms, just a sequence number and a send time in the body. Prints one JSON line with what it counted.
// Every destination it makes is named <name> (unique per run) and deleted before it exits.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import { setTimeout } from 'node:timers';
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';

const [kind, url, name, rateArg, secondsArg, windowArg, bytesArg, drainArg] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const window = Number(windowArg);
const bytes = Math.max(16, Number(bytesArg));
const drainMs = Number(drainArg) * 1000;
const total = Math.round(rate * seconds);
const LOOP_RESOLUTION_MS = 10;

const seen = new Uint8Array(total);
const e2e = new Float64Array(total);
const sendDelay = new Float64Array(total);
const counts = { published: 0, confirmed: 0, failed: 0, dropped: 0, consumed: 0, duplicates: 0, foreign: 0 };
const now = () => performance.timeOrigin + performance.now();

/** The body: its sequence and its intended send time (e2e is measured from it, as backend-bench does). */
function body(seq, intendedMs) {
  const b = Buffer.alloc(bytes, 120);
  b.writeUInt32BE(seq, 0);
  b.writeDoubleBE(intendedMs, 4);
  return b;
}

function received(buf) {
  const at = now();
  if (buf.length < 12) return void counts.foreign++;
  const seq = buf.readUInt32BE(0);
  if (seq >= total) return void counts.foreign++;
  if (seen[seq] === 1) return void counts.duplicates++;
  seen[seq] = 1;
  e2e[counts.consumed++] = at - buf.readDoubleBE(4);
}

/** The open-loop publish pump shared by every broker: `send(buf)` returns a promise settled by the broker's ack. */
async function pump(send) {
  let inFlight = 0;
  const t0 = performance.now();
  const epoch0 = performance.timeOrigin + t0;
  for (let k = 0; k < total;) {
    const elapsed = performance.now() - t0;
    while (k < total && (k * 1000) / rate <= elapsed) {
      if (inFlight >= window) counts.dropped++;
      else {
        sendDelay[counts.published++] = elapsed - (k * 1000) / rate;
        inFlight++;
        send(body(k, epoch0 + (k * 1000) / rate)).then(
          () => (counts.confirmed++, inFlight--),
          () => (counts.failed++, inFlight--),
        );
      }
      k++;
    }
    const wait = (k * 1000) / rate - (performance.now() - t0);
    if (wait >= 1) await sleep(wait);
    else await setImmediate();
  }
  const publishSeconds = (performance.now() - t0) / 1000;
  const until = performance.now() + 10_000;
  while (inFlight > 0 && performance.now() < until) await sleep(5);
  return publishSeconds;
}

const BROKERS = {
  async redis() {
    const { Redis } = await import('ioredis');
    const pub = new Redis(url, { enableAutoPipelining: true, maxRetriesPerRequest: 0 });
    const sub = new Redis(url, { maxRetriesPerRequest: 0 });
    await pub.xgroup('CREATE', name, 'g', '$', 'MKSTREAM');
    let stopping = false;
    const reader = (async () => {
      while (!stopping) {
        const reply = await sub.xreadgroupBuffer(
          'GROUP',
          'g',
          'c',
          'COUNT',
          window,
          'BLOCK',
          100,
          'STREAMS',
          name,
          '>',
        );
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0) continue;
        for (const [, fields] of entries) received(fields[1]);
        await sub.xack(name, 'g', ...entries.map(([id]) => id));
      }
    })();
    return {
      send: (b) => pub.xadd(name, '*', 'body', b),
      async close() {
        stopping = true;
        await reader.catch(() => undefined);
        await pub.del(name);
        await Promise.all([pub.quit(), sub.quit()]);
      },
    };
  },

  async rabbitmq() {
    const amqp = await import('amqplib');
    const conn = await amqp.connect(url);
    const pub = await conn.createConfirmChannel();
    await pub.assertQueue(name, { durable: true });
    const sub = await conn.createChannel();
    await sub.prefetch(window);
    await sub.consume(name, (m) => {
      if (m === null) return;
      received(m.content);
      sub.ack(m);
    });
    return {
      send: (b) =>
        new Promise((resolve, reject) => pub.sendToQueue(name, b, {}, (err) => (err ? reject(err) : resolve()))),
      async close() {
        await pub.deleteQueue(name);
        await conn.close();
      },
    };
  },

  async nats() {
    const { connect } = await import('@nats-io/transport-node');
    const { jetstream, jetstreamManager, AckPolicy, DeliverPolicy, StorageType } = await import('@nats-io/jetstream');
    const nc = await connect({ servers: new URL(url).host });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name, subjects: [name], storage: StorageType.File });
    await jsm.consumers.add(name, {
      durable_name: 'g',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
    });
    const js = jetstream(nc);
    const messages = await (await js.consumers.get(name, 'g')).consume({ max_messages: window });
    const reader = (async () => {
      for await (const m of messages) {
        received(Buffer.from(m.data));
        m.ack();
      }
    })();
    return {
      send: (b) => js.publish(name, b),
      async close() {
        await messages.close().catch(() => undefined);
        await reader.catch(() => undefined);
        await jsm.streams.delete(name);
        await nc.drain();
      },
    };
  },

  async kafka() {
    const { Kafka, logLevel } = await import('kafkajs');
    const kafka = new Kafka({ brokers: url.split(','), clientId: name, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    const consumer = kafka.consumer({ groupId: name });
    await consumer.connect();
    await consumer.subscribe({ topic: name, fromBeginning: true });
    let joined;
    const ready = new Promise((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    await consumer.run({ eachBatch: async ({ batch }) => batch.messages.forEach((m) => received(m.value)) });
    await Promise.race([ready, sleep(30_000)]);
    // kafkajs sends one request per send(): records due in the same turn share one, as its docs advise.
    let batch = [];
    const flush = () => {
      const records = batch;
      batch = [];
      const sent = producer.send({ topic: name, acks: -1, messages: records.map((r) => ({ value: r.b })) });
      sent.then(
        () => records.forEach((r) => r.resolve()),
        (err) => records.forEach((r) => r.reject(err)),
      );
    };
    return {
      send: (b) =>
        new Promise((resolve, reject) => {
          if (batch.length === 0) process.nextTick(flush);
          batch.push({ b, resolve, reject });
        }),
      async close() {
        await consumer.disconnect();
        await producer.disconnect();
        await admin.deleteTopics({ topics: [name] }).catch(() => undefined);
        await admin.deleteGroups([name]).catch(() => undefined);
        await admin.disconnect();
      },
    };
  },
};

function p99(values, n) {
  if (n === 0) return NaN;
  const xs = values.slice(0, n).sort();
  return xs[Math.min(n - 1, Math.floor(n * 0.99))];
}

async function main() {
  const client = await BROKERS[kind]();
  let publishSeconds = NaN;
  // The same evidence of a saturated generator as backend-bench's own (event-loop delay and send delay), read the
  // same way: the histogram records whole intervals between its samples, so the delay is what exceeds the
  // resolution, and the first second (start-up) is left out, as src/metrics/thread-load.ts does.
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  try {
    loop.enable();
    setTimeout(() => loop.reset(), 1000).unref();
    publishSeconds = await pump(client.send);
    loop.disable();
    const until = performance.now() + drainMs;
    while (counts.consumed < counts.confirmed && performance.now() < until) await sleep(20);
  } finally {
    await client.close();
  }
  const result = {
    ...counts,
    total,
    publishSeconds,
    sendDelayP99Ms: p99(sendDelay, counts.published),
    eventLoopDelayP99Ms: Math.max(0, loop.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
    e2eP99Ms: p99(e2e, counts.consumed),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
