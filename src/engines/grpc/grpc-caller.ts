import { performance } from 'node:perf_hooks';
import grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { GRPC_STATUS_NAMES } from '../../metrics/error-kinds.js';
import type { GrpcMethod } from '../../scenario/grpc/proto-catalogue.js';

/**
 * Makes one gRPC call of any kind through grpc-js and says what became of it: the status code, when the first
 * response message came, and how many came. Messages are plain objects; protobufjs encodes and decodes them.
 * No scheduling and no metrics here: the load models and recorders do that.
 */

export interface GrpcCallResult {
  /** grpc status code (0 = OK). */
  code: number;
  /** The status details, or the transport's message; undefined on OK. */
  details: string | undefined;
  /** performance.now() when the first response message arrived (streams), or the unary response. */
  firstMessageAt: number | undefined;
  /** Response messages received. */
  messages: number;
  /** The last response message, decoded (for checks and captures); undefined if none. */
  response: Record<string, unknown> | undefined;
}

export interface GrpcCallOptions {
  /** Request messages: one for unary and server streaming, any number for client and bidi streaming. */
  messages: readonly Record<string, unknown>[];
  metadata: Readonly<Record<string, string>>;
  deadlineMs: number;
  /** Keep the decoded response (only when a check or capture reads it). */
  keepResponse: boolean;
}

/**
 * grpc-js enforces a deadline with a timer, which a busy event loop runs late, so an answer can be read after its
 * deadline has passed: it is still past it, whatever its status, as an HTTP response read after the timeout is a
 * timeout. Rewrites `result` to DEADLINE_EXCEEDED when `now` is at or past `overdueAt`.
 */
export function holdToDeadline(result: GrpcCallResult, deadlineMs: number, overdueAt: number, now: number): void {
  if (result.code === grpc.status.DEADLINE_EXCEEDED || now < overdueAt) return;
  const was = result.code === grpc.status.OK ? '' : ` (${statusName(result.code)})`;
  result.details = `answered after the ${deadlineMs} ms deadline${was}`;
  result.code = grpc.status.DEADLINE_EXCEEDED;
}

export function statusName(code: number): string {
  return GRPC_STATUS_NAMES[code] ?? `CODE_${code}`;
}

function serializer(type: protobuf.Type): (value: Record<string, unknown>) => Buffer {
  return (value) => Buffer.from(type.encode(type.fromObject(value)).finish());
}

const NOT_KEPT: Record<string, unknown> = Object.freeze({});

function deserializer(type: protobuf.Type, keep: boolean): (bytes: Buffer) => Record<string, unknown> {
  // Decoding is still needed to count a message as well-formed; converting to a plain object only when read.
  return (bytes) => {
    const message = type.decode(bytes);
    return keep ? type.toObject(message, { longs: String, enums: String, defaults: true, bytes: String }) : NOT_KEPT;
  };
}

function toMetadata(entries: Readonly<Record<string, string>>): grpc.Metadata {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(entries)) md.set(k, v);
  return md;
}

/** One channel (one HTTP/2 connection, multiplexed) to a gRPC server. */
export class GrpcChannel {
  private readonly client: grpc.Client;

  constructor(address: string, credentials: grpc.ChannelCredentials, id = 0) {
    // A distinct option value keeps grpc-js from sharing one subchannel between our channels: N channels are
    // N connections, as `connections: N` promises.
    this.client = new grpc.Client(address, credentials, {
      'grpc.use_local_subchannel_pool': 1,
      'grpc-node.bench_channel_id': id,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
  }

  /** Resolves when the channel is connected, or rejects with the transport's reason by the deadline. */
  ready(deadlineMs: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.client.waitForReady(Date.now() + deadlineMs, (err) => (err ? reject(err) : resolve())),
    );
  }

  call(method: GrpcMethod, options: GrpcCallOptions): Promise<GrpcCallResult> {
    const ser = serializer(method.requestType);
    const de = deserializer(method.responseType, options.keepResponse);
    const md = toMetadata(options.metadata);
    const callOptions = { deadline: Date.now() + options.deadlineMs };
    const overdueAt = performance.now() + options.deadlineMs;
    const result: GrpcCallResult = {
      code: 0,
      details: undefined,
      firstMessageAt: undefined,
      messages: 0,
      response: undefined,
    };
    const onMessage = (msg: Record<string, unknown> | undefined): void => {
      if (result.messages++ === 0) result.firstMessageAt = performance.now();
      if (msg !== NOT_KEPT) result.response = msg;
    };
    const first = options.messages[0] ?? {};
    return new Promise((resolve) => {
      const done = (err: grpc.ServiceError | null): void => {
        if (err !== null) {
          result.code = err.code;
          result.details = err.details || err.message;
        }
        holdToDeadline(result, options.deadlineMs, overdueAt, performance.now());
        resolve(result);
      };
      const unaryDone = (err: grpc.ServiceError | null, msg?: Record<string, unknown>): void => {
        if (err === null) onMessage(msg);
        done(err);
      };
      if (method.kind === 'unary') {
        this.client.makeUnaryRequest(method.path, ser, de, first, md, callOptions, unaryDone);
      } else if (method.kind === 'client_stream') {
        const stream = this.client.makeClientStreamRequest(method.path, ser, de, md, callOptions, unaryDone);
        for (const m of options.messages) stream.write(m);
        stream.end();
      } else {
        const stream =
          method.kind === 'server_stream'
            ? this.client.makeServerStreamRequest(method.path, ser, de, first, md, callOptions)
            : this.client.makeBidiStreamRequest(method.path, ser, de, md, callOptions);
        stream.on('data', onMessage);
        stream.on('error', (err: grpc.ServiceError) => done(err));
        stream.on('status', (status: grpc.StatusObject) => {
          if (status.code === grpc.status.OK) done(null);
        });
        if (method.kind === 'bidi_stream') {
          const duplex = stream as grpc.ClientDuplexStream<Record<string, unknown>, unknown>;
          for (const m of options.messages) duplex.write(m);
          duplex.end();
        }
      }
    });
  }

  close(): void {
    this.client.close();
  }
}
