/**
 * The JetStream asynchronous publisher against the local NATS server (127.0.0.1:4222): PubAcks settle publishes,
 * and each way JetStream (or nobody) refuses a message is a publish error of its own kind. Streams are ours,
 * uniquely named, and deleted afterwards.
 */
import { DiscardPolicy } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { PublishError } from '../src/engines/event/broker-adapter.js';
import { JetStreamPublisher } from '../src/engines/event/adapters/jetstream-publisher.js';
import { natsForSuite, uniqueName } from './support/events.js';

const nats = natsForSuite();

/** A stream of our own capturing one subject, refusing new messages once full. */
async function newStream(
  what: string,
  limits: { max_msgs?: number } = {},
): Promise<{ subject: string; stream: string }> {
  const made = nats.newSubject(`jsp-${what}`);
  await nats.jsm.streams.add({ name: made.stream, subjects: [made.subject], discard: DiscardPolicy.New, ...limits });
  return made;
}

const kindOf = async (p: Promise<void>): Promise<string> =>
  p.then(
    () => 'ok',
    (err: unknown) => (err instanceof PublishError ? `${err.kind}: ${err.message}` : `not a PublishError: ${err}`),
  );

describe('JetStreamPublisher (real NATS on 127.0.0.1:4222)', () => {
  it('settles each publish on its PubAck, many in flight at once, and the stream holds them all', async () => {
    const { subject, stream } = await newStream('ok');
    const publisher = new JetStreamPublisher(nats.nc, 5000);
    const body = new Uint8Array(256);
    const results = await Promise.all(
      Array.from({ length: 2000 }, () => kindOf(publisher.publish(subject, body, undefined))),
    );
    expect(new Set(results)).toEqual(new Set(['ok']));
    expect(publisher.inFlight).toBe(0);
    expect((await nats.jsm.streams.info(stream)).state.messages).toBe(2000);
    publisher.close();
  });

  it('a subject no stream captures is a nack (no responders); a stream that is full is a nack with its words', async () => {
    const { subject: full } = await newStream('full', { max_msgs: 3 });
    const publisher = new JetStreamPublisher(nats.nc, 5000);
    const body = new Uint8Array(8);
    expect(await kindOf(publisher.publish(`${full}-nobody`, body, undefined))).toMatch(/^nack: no stream captures/);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => kindOf(publisher.publish(full, body, undefined))),
    );
    expect(results.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
    expect(results.slice(3)).toEqual(['nack: maximum messages exceeded', 'nack: maximum messages exceeded']);
    publisher.close();
  });

  it('a publish nobody answers times out; closing fails what is still awaited as a connection loss', async () => {
    // A plain subscriber that never replies: the server sees interest, so no 503 comes back.
    const silent = uniqueName('jsp-silent');
    const sub = nats.nc.subscribe(silent, { callback: () => undefined });
    const publisher = new JetStreamPublisher(nats.nc, 200);
    expect(await kindOf(publisher.publish(silent, new Uint8Array(1), undefined))).toBe(
      'timeout: no PubAck within 200 ms',
    );
    const other = new JetStreamPublisher(nats.nc, 60_000);
    const awaited = kindOf(other.publish(silent, new Uint8Array(1), undefined));
    other.close();
    expect(await awaited).toBe('connection: the NATS connection closed');
    sub.unsubscribe();
    publisher.close();
  });
});
