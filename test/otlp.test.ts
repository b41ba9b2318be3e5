import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS_SECONDS } from '../src/metrics/names.js';
import { readResult, runCli, tempDir } from './support/cli.js';
import { type Handler, startServer, type TestServer } from './support/servers.js';

/** OTLP/HTTP JSON, the parts we read. */
interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: number | string; doubleValue?: number };
}
interface DataPoint {
  attributes?: KeyValue[];
  count?: number | string;
  explicitBounds?: number[];
  bucketCounts?: (number | string)[];
  asInt?: number | string;
  asDouble?: number;
}
interface Metric {
  name: string;
  unit?: string;
  histogram?: { dataPoints: DataPoint[] };
  sum?: { dataPoints: DataPoint[] };
  gauge?: { dataPoints: DataPoint[] };
}
interface Export {
  resourceMetrics: { resource: { attributes: KeyValue[] }; scopeMetrics: { metrics: Metric[] }[] }[];
}

const attrs = (kvs: KeyValue[] = []): Record<string, string | number> =>
  Object.fromEntries(
    kvs.map((kv) => [kv.key, kv.value.stringValue ?? Number(kv.value.intValue ?? kv.value.doubleValue)]),
  );

/** A minimal OTLP/HTTP receiver: keeps every JSON export it is sent. */
async function startReceiver(): Promise<{ url: string; exports: Export[]; close(): Promise<void> }> {
  const exports: Export[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/v1/metrics' && req.headers['content-type']?.includes('json'))
        exports.push(JSON.parse(body) as Export);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exports,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The last export's metrics by name (cumulative temporality: the last one holds the totals). */
function lastMetrics(exports: Export[]): Map<string, Metric> {
  const last = exports.at(-1);
  const metrics = last?.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)) ?? [];
  return new Map(metrics.map((m) => [m.name, m]));
}

// Every fifth request fails with 503, so error.type has something to say.
let n = 0;
const flaky: Handler = (_req, res) => {
  const status = ++n % 5 === 0 ? 503 : 200;
  setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end('{}'), 3);
};

describe('OpenTelemetry export (OTLP/HTTP)', () => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    server = await startServer(flaky);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await server?.close();
  });

  it('sends http.client.request.duration and friends with semantic-convention names and attributes, flushed at the end', async () => {
    const out = join(tempDir(), 'r.json');
    const run = await runCli(
      [
        'run',
        '--url',
        `${server.url}/orders`,
        '--method',
        'POST',
        '--rate',
        '50',
        '--duration',
        '3s',
        '--slo',
        'p95 < 1s',
        '--otlp',
        '--out',
        out,
        '-q',
      ],
      {
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_METRIC_EXPORT_INTERVAL: '1000',
        },
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const r = readResult(out);
    expect(receiver.exports.length).toBeGreaterThan(0);
    const resource = attrs(receiver.exports[0]?.resourceMetrics[0]?.resource.attributes);
    expect(resource['service.name']).toBe('backend-bench');
    // The command line (a --header token with it) never reaches the collector.
    expect(Object.keys(resource).filter((k) => /^process\.(command|executable)/.test(k))).toEqual([]);
    expect(resource['process.pid']).toBeGreaterThan(0);
    const metrics = lastMetrics(receiver.exports);

    const duration = metrics.get('http.client.request.duration');
    expect(duration?.unit).toBe('s');
    const points = duration?.histogram?.dataPoints ?? [];
    const byStatus = new Map(points.map((p) => [attrs(p.attributes)['http.response.status_code'], p]));
    expect([...byStatus.keys()].sort()).toEqual([200, 503]);
    const ok = byStatus.get(200);
    const unavailable = byStatus.get(503);
    expect(ok?.explicitBounds).toEqual([...LATENCY_BUCKETS_SECONDS]);
    expect(attrs(ok?.attributes)).toMatchObject({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'backend_bench.request': 'POST /orders',
      'backend_bench.run_id': r.runId,
    });
    // error.type only on failures, and for a 5xx it is the status code as a string.
    expect(attrs(ok?.attributes)).not.toHaveProperty('error.type');
    expect(attrs(unavailable?.attributes)).toMatchObject({ 'http.response.status_code': 503, 'error.type': '503' });
    // Every request with an answer is in a histogram, split exactly as the server answered (one in five 503).
    expect(Number(unavailable?.count)).toBe(r.errorsByKind.status);
    expect(Number(ok?.count)).toBe(r.metrics.requests - r.errorsByKind.status);
    expect(Number(unavailable?.count) / r.metrics.requests).toBeGreaterThan(0.15);
    expect(Number(unavailable?.count) / r.metrics.requests).toBeLessThan(0.25);
    const requests = metrics.get('backend_bench.requests')?.sum?.dataPoints[0];
    expect(Number(requests?.asInt ?? requests?.asDouble)).toBe(r.metrics.requests);

    const errors = metrics.get('backend_bench.errors')?.sum?.dataPoints ?? [];
    const status = errors.find((p) => attrs(p.attributes)['error.type'] === 'status');
    expect(Number(status?.asInt ?? status?.asDouble)).toBe(r.errorsByKind.status);
    expect(r.errorsByKind.status).toBeGreaterThan(0);

    const slo = metrics.get('backend_bench.slo.pass')?.gauge?.dataPoints[0];
    expect(attrs(slo?.attributes)['backend_bench.slo']).toBe('p95 < 1000ms');
    // The SLO's value in its metric's unit (seconds, as http.client.request.duration), and says so.
    const sloValue = metrics.get('backend_bench.slo.value')?.gauge?.dataPoints[0];
    expect(attrs(sloValue?.attributes)['backend_bench.slo.unit']).toBe('s');
    expect(sloValue?.asDouble).toBeCloseTo(r.metrics.latencyMs.p95 / 1000, 3);

    // Zero-valued counters are exported, not left out: no timeouts and no drops are series of 0.
    const timeouts = errors.find((p) => attrs(p.attributes)['error.type'] === 'timeout');
    expect(Number(timeouts?.asInt ?? timeouts?.asDouble)).toBe(0);
    const dropped = metrics.get('backend_bench.dropped_starts')?.sum?.dataPoints[0];
    expect(Number(dropped?.asInt ?? dropped?.asDouble)).toBe(0);
  });

  it('a flow run: each step carries server.address and server.port of its own service', async () => {
    receiver.exports.length = 0;
    const other = await startServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
    );
    try {
      const file = join(tempDir(), 'flow.yaml');
      writeFileSync(
        file,
        [
          'services:',
          `  users: "http://bob:pw@127.0.0.1:${server.port}"`,
          `  orders: "${other.url}"`,
          'load: { rate: 10, duration: 2s }',
          'flows:',
          '  - name: buy',
          '    steps:',
          '      - { name: see-user, service: users, path: /u }',
          '      - { name: place-order, service: orders, method: POST, path: /o }',
          'slos: []',
        ].join('\n'),
      );
      const run = await runCli(['run', file, '--otlp', receiver.url, '-q'], {
        env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      });
      expect(run.code, run.stderr).toBe(0);
      const points = lastMetrics(receiver.exports).get('backend_bench.requests')?.sum?.dataPoints ?? [];
      const byStep = new Map(points.map((p) => [attrs(p.attributes)['backend_bench.request'], attrs(p.attributes)]));
      expect(byStep.get('see-user')).toMatchObject({ 'server.address': '127.0.0.1', 'server.port': server.port });
      expect(byStep.get('place-order')).toMatchObject({ 'server.address': '127.0.0.1', 'server.port': other.port });
      expect(JSON.stringify(receiver.exports)).not.toContain('bob');
    } finally {
      await other.close();
    }
  });

  it('an event run exports messaging metrics (sent, consumed, publish duration) per queue', async () => {
    receiver.exports.length = 0;
    const out = join(tempDir(), 'events.json');
    const run = await runCli(
      [
        'run',
        'scenarios/events-redis.yaml',
        '--rate',
        '100',
        '--duration',
        '3s',
        '--slo',
        'lost = 0',
        '--otlp',
        receiver.url,
        '--out',
        out,
        '-q',
      ],
      { env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, timeoutMs: 45_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    const r = readResult(out);
    const metrics = lastMetrics(receiver.exports);
    const value = (name: string): number => {
      const p = metrics.get(name)?.sum?.dataPoints[0];
      return Number(p?.asInt ?? p?.asDouble);
    };
    const sent = metrics.get('messaging.client.sent.messages')?.sum?.dataPoints[0];
    expect(attrs(sent?.attributes)).toMatchObject({
      'messaging.system': 'redis',
      'messaging.operation.name': 'send',
      'messaging.destination.name': 'backend-bench-orders',
      'backend_bench.queue': 'orders',
    });
    for (const name of ['messaging.client.consumed.messages', 'backend_bench.messaging.e2e_latency']) {
      const point = metrics.get(name)?.sum?.dataPoints[0] ?? metrics.get(name)?.histogram?.dataPoints[0];
      expect(attrs(point?.attributes), name).toMatchObject({
        'messaging.system': 'redis',
        'messaging.operation.name': 'receive',
        'messaging.destination.name': 'backend-bench-orders',
      });
    }
    expect(value('messaging.client.consumed.messages')).toBeGreaterThanOrEqual(280);
    expect(value('messaging.client.sent.messages')).toBeGreaterThanOrEqual(280);
    const publish = metrics.get('messaging.client.operation.duration');
    expect(publish?.unit).toBe('s');
    expect(Number(publish?.histogram?.dataPoints[0]?.count)).toBe(value('messaging.client.sent.messages'));
    expect(metrics.has('http.client.request.duration')).toBe(false);
    expect(r.runId).toBeTruthy();
  });

  it('a WebSocket run exports its sessions, messages by direction, connect time and close codes', async () => {
    receiver.exports.length = 0;
    const out = join(tempDir(), 'ws.json');
    const run = await runCli(
      ['run', 'scenarios/websocket.yaml', '--duration', '2s', '--otlp', receiver.url, '--out', out, '-q'],
      {
        env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const ws = readResult(out).websocket;
    const metrics = lastMetrics(receiver.exports);
    const points = (name: string) => metrics.get(name)?.sum?.dataPoints ?? [];
    const count = (name: string, key: string, value: string): number => {
      const p = points(name).find((x) => attrs(x.attributes)[key] === value);
      return Number(p?.asInt ?? p?.asDouble);
    };
    expect(count('backend_bench.websocket.sessions', 'backend_bench.outcome', 'opened')).toBe(ws?.sessions.started);
    expect(count('backend_bench.websocket.messages', 'backend_bench.direction', 'sent')).toBe(ws?.messages.sent);
    expect(count('backend_bench.websocket.messages', 'backend_bench.direction', 'received')).toBe(
      ws?.messages.received,
    );
    expect(count('backend_bench.websocket.closes', 'backend_bench.code', '1000')).toBe(ws?.closes['1000']?.byClient);
    const connect = metrics.get('backend_bench.websocket.connect.duration');
    expect(connect?.unit).toBe('s');
    expect(Number(connect?.histogram?.dataPoints[0]?.count)).toBe(ws?.sessions.started);
  });

  it("a capacity search exports the current step's target rate, under one run id for the whole search", async () => {
    receiver.exports.length = 0;
    const run = await runCli(
      [
        ...['capacity', '--url', `${server.url}/`, '--slo', 'p95 < 1s', '--start', '20', '--max', '40'],
        ...['--step-duration', '2s', '--warmup', '1s', '--otlp', '-q'],
      ],
      {
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_METRIC_EXPORT_INTERVAL: '500',
        },
        timeoutMs: 40_000,
      },
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // Every export's backend_bench.target_rate points, in the order sent: (run id, rate), each pair once.
    const seen: string[] = [];
    for (const e of receiver.exports) {
      for (const m of e.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))) {
        if (m.name !== 'backend_bench.target_rate') continue;
        for (const p of m.gauge?.dataPoints ?? []) {
          const key = `${attrs(p.attributes)['backend_bench.run_id']} ${p.asDouble ?? Number(p.asInt)}`;
          if (!key.endsWith(' 0') && !seen.includes(key)) seen.push(key);
        }
      }
    }
    expect(new Set(seen.map((x) => x.split(' ')[0])).size, seen.join(', ')).toBe(1);
    expect(seen.map((x) => Number(x.split(' ')[1]))).toEqual([20, 40]);
  }, 50_000);

  it('an unsupported OTLP protocol is an input error before any traffic', async () => {
    const run = await runCli(['run', '--url', server.url, '--rate', '5', '--duration', '1s', '--otlp', receiver.url], {
      env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('OTEL_EXPORTER_OTLP_PROTOCOL "grpc" is not supported');
  });
});
