// npm run bench [-- --only throughput,open,memory,startup,h2,events,grpc,ws] [--rounds N] [--seconds S] [--connections C]
//               [--grpc-connections C] [--ws-connections C]
//               [--h2-connections C] [--h2-streams M]
//               [--open-seconds S] [--memory-seconds S] [--memory-rate R]
//               [--event-rates 5000,10000,...] [--event-seconds S] [--event-rounds N] [--event-brokers redis,...]
// Proves the performance targets of docs/benchmarks.md on this machine: loopback targets only, every run
// bounded in time, generators and target pinned to separate cores, only processes started here stopped.
// Prints each section and writes bench/results/<date>.json and .md (the table docs/benchmarks.md takes).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { eventThroughput, formatEventThroughput } from './events.js';
import { formatMemory, memory } from './memory.js';
import { formatOpenAccuracy, openAccuracy } from './open-accuracy.js';
import { portOpen } from './lib/proc.js';
import {
  GEN_CPU,
  GEN_CPUS_ALL,
  ROOT,
  SECTIONS,
  WORKERS,
  machine,
  missingPrerequisites,
  startTarget,
} from './lib/setup.js';
import { formatStartup, startup } from './startup.js';
import { formatThroughput, throughput } from './throughput.js';
import { formatHttp2, http2Throughput } from './h2.js';
import { formatGrpc, grpcThroughput } from './grpc.js';
import { summaryMarkdown } from './summary.js';
import { formatWs, wsThroughput } from './ws.js';

const PORTS = { node: 18180, nginx: 18181, 'nginx-h2': 18182, grpc: 18183, ws: 18184 };
/** Which sections start each target: a port only matters when one of them runs. */
const sectionsUsing = {
  node: ['throughput'],
  nginx: ['throughput', 'open', 'memory'],
  'nginx-h2': ['h2'],
  grpc: ['grpc'],
  ws: ['ws'],
};

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'throughput,open,memory,startup,h2,events,grpc,ws' },
    'grpc-connections': { type: 'string', default: '50' },
    'ws-connections': { type: 'string', default: '50' },
    'h2-connections': { type: 'string', default: '4' },
    'h2-streams': { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '50' },
    'open-seconds': { type: 'string', default: '15' },
    'memory-seconds': { type: 'string', default: '60' },
    'memory-rate': { type: 'string' },
    'event-rates': { type: 'string', default: '5000,10000,20000,40000,60000' },
    'event-seconds': { type: 'string', default: '5' },
    'event-rounds': { type: 'string', default: '2' },
    'event-brokers': { type: 'string', default: 'redis,rabbitmq,nats,kafka' },
  },
});
const sections = new Set(values.only.split(','));
const rounds = Math.max(3, Number(values.rounds));
const seconds = Math.min(9, Math.max(1, Number(values.seconds)));
const log = (line) => console.log(line);

/** The open-model sections, on nginx (the faster target, so the generator is what is measured). */
async function openSections(report) {
  const target = await startTarget('nginx', PORTS.nginx);
  try {
    const s = Number(values['open-seconds']);
    if (sections.has('open')) {
      log('\n== (b) open-model accuracy: one worker thread');
      report.open = [await openAccuracy(target.url, { seconds: s, workers: 1, cpus: GEN_CPU, log })];
      log(formatOpenAccuracy(report.open[0]));
      const workers = Math.max(2, WORKERS);
      log(
        `\n== (b) open-model accuracy: --workers ${workers} on cpus ${GEN_CPUS_ALL}${workers > WORKERS ? ' (more threads than cores: expect no gain)' : ''}`,
      );
      report.open.push(await openAccuracy(target.url, { seconds: s, workers, cpus: GEN_CPUS_ALL, log }));
      log(formatOpenAccuracy(report.open[1]));
    }
    if (sections.has('memory')) {
      const rate = Number(values['memory-rate'] ?? (report.open?.[0]?.topRate || 10_000));
      log(`\n== (c) memory: ${values['memory-seconds']} s at ${rate}/s`);
      report.memory = await memory(target.url, { rate, seconds: Number(values['memory-seconds']), cpus: GEN_CPU, log });
      log(formatMemory(report.memory));
    }
  } finally {
    await target.stop();
  }
}

/** Only what the selected sections run is asked for (events needs no target: it skips absent brokers). */
async function checkPrerequisites() {
  const unknown = [...sections].filter((s) => !SECTIONS.includes(s));
  if (unknown.length > 0) {
    console.error(`bench: unknown section ${unknown.join(', ')} (known: ${SECTIONS.join(', ')})`);
    process.exit(2);
  }
  const missing = missingPrerequisites([...sections]);
  if (missing.length > 0) {
    console.error(`bench: missing ${missing.join(', ')}`);
    process.exit(2);
  }
  for (const [kind, port] of Object.entries(PORTS)) {
    if (!sectionsUsing[kind].some((s) => sections.has(s))) continue;
    if (await portOpen(port)) {
      console.error(`bench: port ${port} (for the ${kind} target) is in use`);
      process.exit(2);
    }
  }
}

async function eventSection(report) {
  const settings = {
    rates: values['event-rates'].split(',').map(Number),
    seconds: Number(values['event-seconds']),
    rounds: Math.max(1, Number(values['event-rounds'])),
    brokers: values['event-brokers'].split(','),
    window: 1000,
    bytes: 256,
    drain: 5,
  };
  log(
    `\n== (f) event throughput, plain client vs backend-bench: ${settings.rounds} rounds, ${settings.seconds} s per rate, ` +
      `${settings.bytes}-byte messages, window ${settings.window}, generator on cpu ${GEN_CPU}`,
  );
  report.events = await eventThroughput(settings, log);
  log(formatEventThroughput(report.events));
}

async function main() {
  await checkPrerequisites();
  const report = { machine: machine(), settings: { rounds, seconds, connections: Number(values.connections) } };
  log(`machine: ${JSON.stringify(report.machine)}`);
  if (sections.has('throughput')) {
    report.throughput = [];
    for (const kind of ['node', 'nginx']) {
      log(
        `\n== (a) closed-model throughput against the ${kind} target: ${rounds} rounds, ${seconds} s, ${values.connections} connections`,
      );
      const result = await throughput(kind, {
        rounds,
        seconds,
        connections: Number(values.connections),
        port: PORTS[kind],
        log,
      });
      report.throughput.push(result);
      log(formatThroughput(result));
    }
  }
  if (sections.has('open') || sections.has('memory')) await openSections(report);
  if (sections.has('h2')) {
    const connections = Number(values['h2-connections']);
    const streams = Number(values['h2-streams']);
    log(
      `\n== (e) HTTP/2 throughput against nginx (TLS, h2): ${rounds} rounds, ${seconds} s, ${connections} × ${streams} streams`,
    );
    report.http2 = await http2Throughput({ rounds, seconds, connections, streams, port: PORTS['nginx-h2'], log });
    log(formatHttp2(report.http2));
  }
  if (sections.has('events')) await eventSection(report);
  if (sections.has('grpc')) {
    const connections = Number(values['grpc-connections']);
    log(
      `\n== (g) gRPC unary closed model vs a plain grpc-js loop: ${rounds} rounds, ${seconds} s, ${connections} calls in flight`,
    );
    report.grpc = await grpcThroughput({ rounds, seconds, connections, port: PORTS.grpc, log });
    log(formatGrpc(report.grpc));
  }
  if (sections.has('ws')) {
    const connections = Number(values['ws-connections']);
    log(
      `\n== (h) WebSocket closed-model round trips, backend-bench vs a plain ws loop: ${rounds} rounds, ${seconds} s, ${connections} sessions`,
    );
    report.websocket = await wsThroughput({ rounds, seconds, connections, port: PORTS.ws, log });
    log(formatWs(report.websocket));
  }
  if (sections.has('startup')) {
    log('\n== (d) start-up');
    report.startup = await startup({ runs: 20 });
    log(formatStartup(report.startup));
  }
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = report.machine.date.replace(/[:.]/g, '-');
  writeFileSync(join(dir, `${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, `${stamp}.md`), summaryMarkdown(report));
  log(`\nwritten: bench/results/${stamp}.json and .md`);
}

await main();
