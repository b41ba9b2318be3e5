/**
 * `capacity --html`: one offline page with the latency-against-rate curve (inline SVG, no script) and the
 * step table. Returns the document as a string.
 */
import { fmtMs, fmtPercent, fmtRate } from '../reporters/format.js';
import { type CapacitySection, describeCapacity } from './capacity-result.js';
import { curveSteps, fmtHeldRate } from './format.js';

const W = 720;
const H = 320;
const PAD = { left: 60, right: 20, top: 20, bottom: 40 };
const SERIES = [
  { key: 'p50', color: '#4caf50' },
  { key: 'p95', color: '#ff9800' },
  { key: 'p99', color: '#e53935' },
] as const;

const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch);

function chart(c: CapacitySection): string {
  const steps = curveSteps(c);
  if (steps.length === 0) return '<p>No step completed.</p>';
  const maxRate = Math.max(...steps.map((s) => s.rate));
  const lat = steps.flatMap((s) => SERIES.map((x) => s.latencyMs[x.key])).filter((v) => v > 0);
  if (lat.length === 0) return '<p>No latency was measured: no request got an answer.</p>';
  const lo = Math.log10(Math.max(Math.min(...lat), 0.01));
  const hi = Math.max(Math.log10(Math.max(...lat, 0.02)), lo + 1);
  const x = (rate: number): number => PAD.left + (rate / maxRate) * (W - PAD.left - PAD.right);
  const y = (ms: number): number =>
    H - PAD.bottom - ((Math.log10(Math.max(ms, 10 ** lo)) - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const lines = SERIES.map(({ key, color }) => {
    const pts = steps.map((s) => `${x(s.rate).toFixed(1)},${y(s.latencyMs[key]).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts}"><title>${key}</title></polyline>`;
  });
  const dots = steps.map(
    (s) =>
      `<circle cx="${x(s.rate).toFixed(1)}" cy="${y(s.latencyMs.p95).toFixed(1)}" r="4" fill="${s.verdict === 'fail' ? '#e53935' : s.pass ? '#4caf50' : '#999'}">` +
      `<title>${fmtRate(s.rate)}/s: p95 ${fmtMs(s.latencyMs.p95)} ms, ${s.verdict}</title></circle>`,
  );
  const mark =
    c.rate === null
      ? ''
      : `<line x1="${x(c.rate)}" x2="${x(c.rate)}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#555" stroke-dasharray="4 3"/>` +
        `<text x="${x(c.rate) + 4}" y="${PAD.top + 12}" font-size="12">capacity ${fmtRate(c.rate)}/s</text>`;
  const axes =
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#999"/>` +
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="#999"/>` +
    `<text x="${W / 2}" y="${H - 8}" font-size="12" text-anchor="middle">target rate (${esc(c.unit)})</text>` +
    `<text x="8" y="${PAD.top + 10}" font-size="12">${fmtMs(10 ** hi)} ms</text>` +
    `<text x="8" y="${H - PAD.bottom}" font-size="12">${fmtMs(10 ** lo)} ms</text>` +
    `<text x="${PAD.left}" y="${H - PAD.bottom + 14}" font-size="12" text-anchor="middle">0</text>` +
    `<text x="${W - PAD.right}" y="${H - PAD.bottom + 14}" font-size="12" text-anchor="end">${fmtRate(maxRate)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="latency against rate">${axes}${lines.join('')}${dots.join('')}${mark}</svg>`;
}

function table(c: CapacitySection): string {
  const rows = c.steps.map(
    (s, i) =>
      `<tr><td>${i + 1}</td><td>${fmtHeldRate(s.rate)}</td><td>${fmtRate(s.achievedRate)}</td>` +
      `<td>${fmtMs(s.latencyMs.p50)}</td><td>${fmtMs(s.latencyMs.p95)}</td><td>${fmtMs(s.latencyMs.p99)}</td>` +
      `<td>${fmtPercent(s.errorRate)}</td><td>${s.lag === undefined ? '' : `${s.lag.start} → ${s.lag.end}`}</td>` +
      `<td>${esc(s.verdict)}${s.failed.length > 0 ? `: ${esc(s.failed.join(', '))}` : ''}</td></tr>`,
  );
  const head = ['#', 'rate', 'achieved', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'lag', 'verdict'];
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function capacityHtml(c: CapacitySection, title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{padding:2px 10px;text-align:right;border-bottom:1px solid #eee}td:last-child,th:last-child{text-align:left}</style>
</head><body>
<h1>${esc(title)}</h1>
<p><strong>${esc(describeCapacity(c))}</strong></p>
<p>Latency against target rate (log scale): <span style="color:#4caf50">p50</span>, <span style="color:#ff9800">p95</span>, <span style="color:#e53935">p99</span>; dots are p95, red where the step failed; steps the load generator bounded are in the table only.</p>
${chart(c)}
<h2>Steps</h2>
${table(c)}
</body></html>
`;
}
