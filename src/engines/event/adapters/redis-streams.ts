import { Redis, type Result } from 'ioredis';
import { sleep } from '../../engine.js';
import {
  type BrokerAdapter,
  type BrokerTarget,
  type ConnectionObserver,
  type ConsumerHandle,
  type ConsumerSpec,
  type DeliveryHandler,
  type LagReading,
  type OutgoingMessage,
  PublishError,
} from '../broker-adapter.js';
import { AckBatch } from './ack-batch.js';
import { SendBatcher } from './send-batcher.js';
import { parseAdapterOptions } from './options.js';
import { scratchName, UNOBSERVED, warmUpTwin } from '../warm-up.js';
import { RedisStreamsOptions } from '../../../brokers/redis-streams-options.js';

/**
 * Redis Streams with ioredis: XADD to publish, a consumer group read with XREADGROUP and acknowledged with XACK,
 * lag from XINFO GROUPS (`lag` + `pending`, Redis 7.0+). Headers travel as `h:<name>` fields beside a `body` field.
 */

const CONNECT_TIMEOUT_MS = 3000;
const XADD_BATCH = 'backendBenchXaddBatch';
/**
 * XADD of every entry published in one event-loop turn, in one command: the client's cost is per command (ioredis
 * builds, encodes and tracks each one), so a command per entry was most of the publisher's CPU. KEYS[1] is the
 * stream, ARGV[1] the MAXLEN ('' for none), then each entry as its field-and-value count followed by those items.
 * Each entry is added on its own (pcall): the reply is its id, or its error prefixed with '-' (an id never starts
 * so), so one refused entry does not fail the others.
 */
const XADD_BATCH_LUA = `
local out = {}
local i = 2
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  local args
  if ARGV[1] == '' then args = {'XADD', KEYS[1], '*'} else args = {'XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*'} end
  for j = 1, n do args[#args + 1] = ARGV[i + j] end
  local id = redis.pcall(unpack(args))
  if type(id) == 'table' and id.err then out[#out + 1] = '-' .. id.err else out[#out + 1] = id end
  i = i + n + 1
end
return out
`;
/** Most entries in one batch command (Redis runs a script to its end before anything else). */
const BATCH_LIMITS = { records: 500, bytes: 1024 * 1024 };

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** XADD_BATCH_LUA, defined on the publishing connection. */
    [XADD_BATCH](stream: string, ...args: (string | Buffer | number)[]): Result<unknown, Context>;
  }
}

/** One entry's fields and values, as XADD takes them after the id. */
type EntryFields = (string | Buffer)[];
const BLOCK_MS = 500;
/** A warm-up's scratch stream expires this long after it was made, in case the process dies before deleting it. */
const SCRATCH_TTL_MS = 60_000;
const HEADER_PREFIX = 'h:';
const BODY_FIELD = 'body';

/**
 * Orders two stream ids ("ms-seq"). Both parts are integers below 2^53 in practice (ms since 1970, a count within
 * one ms), so numbers compare them exactly; parsed by hand, since this runs for every read.
 */
export function compareIds(a: string, b: string): number {
  const ad = a.indexOf('-');
  const bd = b.indexOf('-');
  const am = Number(ad < 0 ? a : a.slice(0, ad));
  const bm = Number(bd < 0 ? b : b.slice(0, bd));
  if (am !== bm) return am < bm ? -1 : 1;
  const as = ad < 0 ? 0 : Number(a.slice(ad + 1));
  const bs = bd < 0 ? 0 : Number(b.slice(bd + 1));
  return as === bs ? 0 : as < bs ? -1 : 1;
}

const isReplyError = (err: unknown): boolean => err instanceof Error && err.name === 'ReplyError';

/** XINFO GROUPS replies a flat [key, value, key, value…] list per group. */
function pairs(entry: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!Array.isArray(entry)) return out;
  for (let i = 0; i + 1 < entry.length; i += 2) out.set(String(entry[i]), entry[i + 1]);
  return out;
}

export class RedisStreamsAdapter implements BrokerAdapter {
  readonly broker = 'Redis Streams';
  private readonly options: RedisStreamsOptions;
  private readonly connections: Redis[] = [];
  private main: Redis | undefined;
  /** The entries of one turn, sent as one XADD_BATCH; undefined where scripts are refused (one XADD each). */
  private batcher: SendBatcher<EntryFields> | undefined;
  private closing = false;
  /** The newest entry id our consumers have read: where a recreated group resumes. */
  private lastRead: string | undefined;
  private recreating: Promise<void> | undefined;

  constructor(
    private readonly target: BrokerTarget,
    private readonly observer: ConnectionObserver,
  ) {
    this.options = parseAdapterOptions(RedisStreamsOptions, target, 'redis');
  }

  /** One connection; after the first successful connect ioredis reconnects with backoff by itself. */
  private async open(pipelined: boolean): Promise<Redis> {
    let ready = false;
    let down = false;
    const redis = new Redis(this.target.url, {
      lazyConnect: true,
      // Named, so an operator (or a test) can find and kill exactly our connections with CLIENT LIST / CLIENT KILL.
      connectionName: `backend-bench:${this.target.destination.replace(/\s/g, '_')}`,
      // RESP2 replies (arrays, not maps): the shapes parsed below, whatever ioredis defaults to.
      protocol: 2,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // Commands fail at once while disconnected instead of queueing without bound.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Publishes batch into pipelines; a consumer connection runs blocking reads, which must not be batched.
      enableAutoPipelining: pipelined,
      // Our batched XADD is already one call per event-loop turn; through the auto-pipeline each call also made a
      // Pipeline, which V8 came to allocate straight into the old generation (about 1.2 KB a message at
      // 5,000 msg/s): a mark-compact every second and a half, each a 6-20 ms stall of the publishes.
      autoPipeliningIgnoredCommands: [XADD_BATCH],
      retryStrategy: (times) => (ready ? Math.min(100 * 2 ** Math.min(times, 5), 2000) : null),
    });
    redis.on('error', () => undefined); // reported through 'close' and failed commands
    redis.on('close', () => {
      if (ready && !down && !this.closing) {
        down = true;
        this.observer.lost(new Error('connection to Redis closed'));
      }
    });
    redis.on('ready', () => {
      if (down) this.observer.restored();
      down = false;
    });
    this.connections.push(redis);
    await redis.connect();
    ready = true;
    return redis;
  }

  async connect(): Promise<void> {
    const redis = await this.open(true);
    this.main = redis;
    redis.defineCommand(XADD_BATCH, { lua: XADD_BATCH_LUA, numberOfKeys: 1 });
    try {
      // Loaded up front, so a server that refuses scripts (an ACL, a managed service) is found now, not mid-run.
      await redis.script('LOAD', XADD_BATCH_LUA);
      this.batcher = new SendBatcher((entries) => this.addBatch(redis, entries), entryBytes, BATCH_LIMITS);
    } catch (err) {
      if (!isReplyError(err)) throw err;
    }
  }

  private get redis(): Redis {
    if (this.main === undefined) throw new Error('not connected');
    return this.main;
  }

  async prepare(): Promise<void> {
    const { destination: stream, group } = this.target;
    if (!this.target.create) {
      const groups = await this.groups();
      if (!groups.some((g) => g.get('name') === group)) {
        throw new Error(`stream "${stream}" has no consumer group "${group}" (create it, or set create: true)`);
      }
      return;
    }
    try {
      // From "$": a fresh group starts at the end, so entries left by earlier runs are not ours to count.
      await this.redis.call('XGROUP', ['CREATE', stream, group, '$', 'MKSTREAM']);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
    }
  }

  async publish(message: OutgoingMessage): Promise<void> {
    const fields: EntryFields = [];
    for (const [name, value] of Object.entries(message.headers)) fields.push(`${HEADER_PREFIX}${name}`, value);
    fields.push(BODY_FIELD, message.body);
    try {
      if (this.batcher !== undefined) await this.batcher.add(fields);
      else await this.redis.call('XADD', [this.target.destination, ...this.trim(), '*', ...fields]);
    } catch (err) {
      if (err instanceof PublishError) throw err;
      throw new PublishError(isReplyError(err) ? 'nack' : 'connection', (err as Error).message, { cause: err });
    }
  }

  /**
   * A twin on a scratch stream of our own, set to expire a minute after it was made (should the process die
   * before deleting it): cold, ioredis's reply decoder and our batched XADD are compiled while the run's clock runs
   * (`--trace-opt` counted 190 optimisations after the clock at 5,000 msg/s, 149 warmed; docs/benchmarks.md,
   * "Warming the client library").
   */
  warmUp(sample: OutgoingMessage, count: number, signal: AbortSignal): Promise<number> {
    const stream = scratchName(this.target.destination);
    const twin = new RedisStreamsAdapter(
      { ...this.target, destination: stream, group: 'warmup', create: true },
      UNOBSERVED,
    );
    return warmUpTwin(twin, sample, count, signal, () => twin.redis.pexpire(stream, SCRATCH_TTL_MS));
  }

  private trim(): (string | number)[] {
    return this.options.maxLen === undefined ? [] : ['MAXLEN', '~', this.options.maxLen];
  }

  /** One XADD_BATCH: each entry's outcome, a refused one as a nack with the server's words. */
  private async addBatch(redis: Redis, entries: EntryFields[]): Promise<(Error | undefined)[]> {
    const args: (string | Buffer | number)[] = [String(this.options.maxLen ?? '')];
    for (const fields of entries) args.push(fields.length, ...fields);
    const reply = await redis[XADD_BATCH](this.target.destination, ...args);
    const ids = Array.isArray(reply) ? reply : [];
    return entries.map((_, i) => {
      const id: unknown = ids[i];
      if (typeof id === 'string' && !id.startsWith('-')) return undefined;
      return new PublishError('nack', typeof id === 'string' ? id.slice(1) : 'no id for the entry in the reply');
    });
  }

  async consume(spec: ConsumerSpec, handler: DeliveryHandler): Promise<ConsumerHandle> {
    const redis = await this.open(false);
    const loop = new ReadLoop(redis, this.target, `${this.target.group}-${spec.index}`, spec.prefetch, handler, {
      read: (id) => {
        if (this.lastRead === undefined || compareIds(id, this.lastRead) > 0) this.lastRead = id;
      },
      groupGone: () => this.recreateGroup(redis),
    });
    const done = loop.run();
    return {
      stop: async () => {
        loop.stopping = true;
        await done;
      },
    };
  }

  /**
   * NOGROUP mid-run: the group was destroyed, or its stream deleted (DEL, FLUSHALL, a broker restarted without
   * persistence). It is created again at the newest entry our consumers had read, not at "$" (that would skip what
   * was published since the loss, which the broker holds, and count it as lost) nor at "0" (that would hand over
   * again every entry the old group had delivered, and entries of earlier runs). Entries the old group held unread
   * are gone with it when the stream went: they are counted as lost at the end. Every consumer meets NOGROUP at
   * once; one creates, the others wait for it, and the creation is counted once.
   */
  private recreateGroup(redis: Redis): Promise<void> {
    this.recreating ??= (async () => {
      const from = this.lastRead ?? '0';
      try {
        await redis.call('XGROUP', ['CREATE', this.target.destination, this.target.group, from, 'MKSTREAM']);
        this.observer.groupRecreated(`consumer group "${this.target.group}" created again from entry ${from}`);
      } catch (err) {
        if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
      } finally {
        this.recreating = undefined;
      }
    })();
    return this.recreating;
  }

  private async groups(): Promise<Map<string, unknown>[]> {
    try {
      const reply = await this.redis.call('XINFO', ['GROUPS', this.target.destination]);
      return Array.isArray(reply) ? reply.map(pairs) : [];
    } catch (err) {
      if (isReplyError(err) && /no such key/i.test((err as Error).message)) return [];
      throw err;
    }
  }

  async lag(): Promise<LagReading> {
    const { destination: stream, group } = this.target;
    const info = (await this.groups()).find((g) => g.get('name') === group);
    if (info === undefined) throw new Error(`no consumer group "${group}" on stream "${stream}"`);
    const pending = Number(info.get('pending') ?? 0);
    const lastDelivered = String(info.get('last-delivered-id') ?? '0-0');
    const unread = await this.unread(info.get('lag'), lastDelivered);
    const source =
      unread.how === 'lag'
        ? 'redis XINFO GROUPS (lag + pending)'
        : `redis XINFO GROUPS pending + unread entries counted with ${unread.how} (the group's lag is stale after a trim or delete)`;
    return { messages: unread.count + pending, parts: { lag: unread.count, pending }, source, excludesUnacked: false };
  }

  /**
   * Entries not yet delivered to the group. Redis 7's `lag` is entries-added − entries-read, which XTRIM does not
   * correct (it leaves max-deleted-entry-id alone), so it is checked against what the stream holds: nothing is
   * unread once the group has read the newest entry; everything left is unread when the oldest entry is past the
   * group's position; and a lag longer than the stream, or none at all, is replaced by counting the entries.
   */
  private async unread(
    lag: unknown,
    lastDelivered: string,
  ): Promise<{ count: number; how: 'lag' | 'XLEN' | 'XRANGE' }> {
    const stream = pairs(await this.redis.call('XINFO', ['STREAM', this.target.destination]));
    const length = Number(stream.get('length') ?? 0);
    const lastGenerated = String(stream.get('last-generated-id') ?? '0-0');
    const first = stream.get('first-entry');
    const firstId = Array.isArray(first) ? String(first[0]) : undefined;
    const reported = lag === null || lag === undefined ? undefined : Number(lag);
    const checked = (count: number, how: 'XLEN' | 'XRANGE'): { count: number; how: 'lag' | 'XLEN' | 'XRANGE' } => ({
      count,
      how: reported === count ? 'lag' : how,
    });
    if (length === 0 || compareIds(lastDelivered, lastGenerated) >= 0) return checked(0, 'XLEN');
    if (firstId !== undefined && compareIds(firstId, lastDelivered) > 0) return checked(length, 'XLEN');
    if (reported === undefined || reported > length) return checked(await this.countAfter(lastDelivered), 'XRANGE');
    return { count: reported, how: 'lag' };
  }

  private async countAfter(id: string): Promise<number> {
    let from = `(${id}`;
    let total = 0;
    for (let page = 0; page < 100; page++) {
      const reply = await this.redis.call('XRANGE', [this.target.destination, from, '+', 'COUNT', 10_000]);
      if (!Array.isArray(reply) || reply.length === 0) break;
      total += reply.length;
      const lastEntry: unknown = reply[reply.length - 1];
      from = `(${String(Array.isArray(lastEntry) ? lastEntry[0] : '')}`;
    }
    return total;
  }

  async destroy(): Promise<void> {
    await this.redis.call('DEL', [this.target.destination]);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.connections.splice(0).map(async (r) => {
        try {
          await r.quit();
        } catch {
          r.disconnect();
        }
      }),
    );
  }
}

/** An entry's payload bytes, for the batch's size limit. */
function entryBytes(fields: EntryFields): number {
  let n = 0;
  for (const f of fields) n += typeof f === 'string' ? f.length : f.byteLength;
  return n;
}

/** What a read loop tells its adapter: the entries it read, and that the group is gone. */
interface GroupWatch {
  read(id: string): void;
  groupGone(): Promise<void>;
}

/** One consumer: reads its share of the group, hands each entry to the handler, XACKs each once handled. */
class ReadLoop {
  stopping = false;
  /** After a failure, re-read our own pending entries ("0") before new ones (">"): nothing is left unacked. */
  private recover = true;

  constructor(
    private readonly redis: Redis,
    private readonly target: BrokerTarget,
    private readonly name: string,
    private readonly count: number,
    private readonly handler: DeliveryHandler,
    private readonly group: GroupWatch,
  ) {}

  async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.readOnce();
      } catch (err) {
        // Disconnected or a failed read: ioredis reconnects; try again shortly, then pick up our pending entries.
        this.recover = true;
        if (isReplyError(err) && (err as Error).message.startsWith('NOGROUP'))
          await this.group.groupGone().catch(() => undefined); // failed: NOGROUP again on the next read, and retried
        await sleep(200);
      }
    }
  }

  private async readOnce(): Promise<void> {
    const { destination: stream, group } = this.target;
    const from = this.recover ? '0' : '>';
    const reply = await this.redis.callBuffer('XREADGROUP', [
      'GROUP',
      group,
      this.name,
      'COUNT',
      this.count,
      'BLOCK',
      BLOCK_MS,
      'STREAMS',
      stream,
      from,
    ]);
    const entries =
      Array.isArray(reply) && Array.isArray(reply[0]) && Array.isArray(reply[0][1]) ? (reply[0][1] as unknown[]) : [];
    if (this.recover && entries.length === 0) this.recover = false;
    const handled: Promise<void>[] = [];
    const acks = new AckBatch<string>((ids) => this.ack(ids));
    let newest: string | undefined;
    for (const entry of entries) {
      if (!Array.isArray(entry)) continue;
      const id = String(entry[0]);
      newest = id; // a read returns entries in id order
      const fields = entry[1];
      // A pending entry whose data was trimmed away comes back with no fields: acknowledge it, nothing to hand over.
      if (!Array.isArray(fields)) {
        acks.add(id);
        continue;
      }
      handled.push(this.handler(toDelivery(fields, this.recover)).then(() => acks.add(id)));
    }
    if (newest !== undefined) this.group.read(newest);
    await Promise.all(handled);
    await acks.flush();
  }

  private async ack(ids: string[]): Promise<void> {
    await this.redis.call('XACK', [this.target.destination, this.target.group, ...ids]).catch(() => undefined);
  }
}

function toDelivery(
  fields: unknown[],
  redelivered: boolean,
): { body: Buffer; headers: Record<string, string>; redelivered: boolean } {
  const headers: Record<string, string> = {};
  let body: Buffer = Buffer.alloc(0);
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const key = String(fields[i]);
    const value = fields[i + 1];
    if (key === BODY_FIELD && Buffer.isBuffer(value)) body = value;
    else if (key.startsWith(HEADER_PREFIX)) headers[key.slice(HEADER_PREFIX.length)] = String(value);
  }
  return { body, headers, redelivered };
}
