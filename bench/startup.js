// (d) Start-up: `backend-bench --help` and `validate` wall time, with bare `node -e 0` beside them for scale.
// hyperfine when installed (Debian's hyperfine), else repeated runs here. The budget is 300 ms each.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { has, runBounded, tempDir } from './lib/proc.js';
import { CLI, ROOT } from './lib/setup.js';
import { median, round, table } from './lib/stats.js';

export const BUDGET_MS = 300;

const COMMANDS = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'backend-bench --help': [process.execPath, [CLI, '--help']],
  'backend-bench validate scenarios/monolith.yaml': [
    process.execPath,
    [CLI, 'validate', join(ROOT, 'scenarios', 'monolith.yaml')],
  ],
};

async function withHyperfine(runs) {
  const out = join(tempDir(), 'hyperfine.json');
  const quoted = Object.values(COMMANDS).map(([cmd, args]) => [cmd, ...args].map((a) => `'${a}'`).join(' '));
  const run = await runBounded(
    'hyperfine',
    ['-N', '--warmup', '3', '--runs', String(runs), '--export-json', out, ...quoted],
    { timeoutMs: 180_000 },
  );
  if (run.code !== 0) throw new Error(`hyperfine failed: ${run.stderr.slice(0, 300)}`);
  const { results } = JSON.parse(readFileSync(out, 'utf8'));
  return Object.keys(COMMANDS).map((name, i) => ({
    name,
    medianMs: round(results[i].median * 1000, 1),
    meanMs: round(results[i].mean * 1000, 1),
    tool: 'hyperfine',
  }));
}

async function byHand(runs) {
  const figures = [];
  for (const [name, [cmd, args]] of Object.entries(COMMANDS)) {
    const times = [];
    for (let i = 0; i < runs + 3; i++) {
      const r = await runBounded(cmd, args, { timeoutMs: 10_000 });
      if (i >= 3) times.push(r.wallMs); // the first three warm the page cache, as hyperfine --warmup does
    }
    figures.push({
      name,
      medianMs: round(median(times), 1),
      meanMs: round(times.reduce((a, b) => a + b, 0) / times.length, 1),
      tool: 'repeated runs',
    });
  }
  return figures;
}

export async function startup({ runs }) {
  const figures = has('hyperfine') ? await withHyperfine(runs) : await byHand(runs);
  return figures.map((f) => ({ ...f, withinBudget: f.name.startsWith('node ') ? undefined : f.medianMs < BUDGET_MS }));
}

export function formatStartup(figures) {
  const rows = [['command', 'median ms', 'mean ms', `< ${BUDGET_MS} ms`]];
  for (const f of figures)
    rows.push([f.name, f.medianMs, f.meanMs, f.withinBudget === undefined ? '' : f.withinBudget ? 'yes' : 'NO']);
  return `${table(rows)}\n(measured with ${figures[0]?.tool})`;
}
