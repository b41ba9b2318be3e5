// The benchmark report as Markdown, in the shape of docs/benchmarks.md's results table.
import { markdownTable, round } from './lib/stats.js';

function throughputRows(report) {
  const rows = [];
  for (const t of report.throughput ?? []) {
    for (const [tool, f] of Object.entries(t.tools)) {
      rows.push([
        `closed model, ${t.target} target, ${t.connections} connections, ${t.seconds} s × ${t.rounds} rounds`,
        tool,
        `${round(f.medianRps)} rps`,
        `${round(f.cpuUsPerRequest, 1)} µs CPU/req`,
      ]);
    }
    rows.push([
      `  ratios (${t.target})`,
      'backend-bench',
      `${t.ratioToAutocannon}× autocannon`,
      `${t.ratioToWrk}× wrk`,
    ]);
  }
  return rows;
}

function http2Rows(h2) {
  if (!h2) return [];
  const rows = Object.entries(h2.tools).map(([tool, f]) => [
    `HTTP/2 closed model, ${h2.target} target, ${h2.connections} connections × ${h2.streams} streams, ${h2.seconds} s × ${h2.rounds} rounds`,
    tool,
    `${round(f.medianRps)} rps`,
    `${round(f.cpuUsPerRequest, 1)} µs CPU/req (${round(f.netCpuUsPerRequest, 1)} net of start-up)`,
  ]);
  rows.push([
    '  ratios (HTTP/2)',
    'backend-bench',
    `${h2.ratioToH2load}× h2load`,
    `${h2.ratioToPlainLoop}× node:http2 loop`,
  ]);
  return rows;
}

export function summaryMarkdown(report) {
  const m = report.machine;
  const rows = [['measure', 'tool', 'figure', 'detail'], ...throughputRows(report)];
  for (const o of report.open ?? []) {
    rows.push([
      `open model, highest accurate rate (±1 %, send delay p99 < 1 ms)`,
      `backend-bench --workers ${o.workers}`,
      `${o.topRate}/s`,
      `cpus ${o.cpus}, ${o.seconds} s steps`,
    ]);
  }
  if (report.memory) {
    const mem = report.memory;
    rows.push([
      `memory, ${mem.seconds} s at ${mem.rate}/s`,
      'backend-bench',
      `peak ${mem.peakMiB} MiB`,
      `growth after ${mem.warmUpS} s: ${mem.growthMiB} MiB (${mem.slopeMiBPerMin} MiB/min)`,
    ]);
  }
  rows.push(...http2Rows(report.http2));
  const ev = report.events;
  for (const r of ev?.results ?? []) {
    const what = `events, ${r.label ?? r.broker}: highest rate all consumed, none lost, not saturated`;
    if (r.skipped !== undefined) rows.push([what, 'both', 'skipped', r.skipped]);
    else {
      const detail = `${ev.bytes} B, window ${ev.window}, ${ev.seconds} s × ${ev.rounds} rounds, median`;
      rows.push([what, 'plain client', `${round(r.plain)} msg/s`, detail]);
      rows.push([what, 'backend-bench', `${round(r.tool)} msg/s`, `${r.ratio}× plain`]);
      const d = r.delivered;
      rows.push([
        `  all consumed, none lost (saturated or not)`,
        'plain / backend-bench',
        `${round(d.plain)} / ${round(d.tool)} msg/s`,
        `${d.ratio}×`,
      ]);
      const c = r.cpuUsPerMsg;
      if (c !== undefined)
        rows.push([
          `  at ${c.rate}/s (both delivered)`,
          'plain / backend-bench',
          `${round(c.net.plain, 1)} / ${round(c.net.tool, 1)} µs CPU/msg net of start-up (${c.net.ratio}×); whole process ${round(c.plain, 1)} / ${round(c.tool, 1)}`,
          `e2e p99 ${c.e2eP99Ms.plain} / ${c.e2eP99Ms.tool} ms`,
        ]);
    }
  }
  if (report.grpc) {
    const g = report.grpc;
    const label = `gRPC unary closed model, ${g.settings.connections} in flight, ${g.settings.seconds} s × ${g.settings.rounds} rounds`;
    for (const [tool, s] of Object.entries(g.summary))
      rows.push([label, tool, `${round(s.rate)} calls/s`, `${round(s.cpuUsPerCall, 1)} µs CPU/call`]);
    rows.push([label, 'ratio', `${round(g.ratio, 2)}× the plain grpc-js loop`, '']);
  }
  const ws = report.websocket;
  if (ws !== undefined) {
    for (const [tool, f] of Object.entries(ws.tools)) {
      rows.push([
        `WebSocket closed model, echo target, ${ws.connections} sessions, ${ws.seconds} s × ${ws.rounds} rounds`,
        tool,
        `${round(f.medianRate)} round trips/s`,
        `${round(f.cpu, 1)} µs CPU/round trip`,
      ]);
    }
    rows.push(['  ratio (WebSocket)', 'backend-bench', `${ws.ratioToPlain}× plain ws`, '']);
  }
  for (const s of report.startup ?? [])
    rows.push([`start-up: ${s.name}`, s.tool, `${s.medianMs} ms median`, `${s.meanMs} ms mean`]);
  return [
    `Run of ${m.date} on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), Linux ${m.kernel}, Node ${m.node};`,
    `target on cpu ${m.targetCpu}, generators on cpu ${m.generatorCpu} (${m.generatorCpusForWorkers} with --workers). Command: \`npm run bench\`.`,
    '',
    markdownTable(rows),
    '',
  ].join('\n');
}
