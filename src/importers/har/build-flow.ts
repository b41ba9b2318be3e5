import { basename } from 'node:path';
import { InputError } from '../../errors.js';
import { STARTER_SLOS, type ImportOutcome } from '../import-outcome.js';
import { literal } from '../literal-text.js';
import type { CommentedScenario } from '../scenario-yaml.js';
import { correlate, type Correlation } from './correlate.js';
import { draftStep, recordedResponse, stepPath, type DraftStep } from './draft-step.js';
import { startMs, type HarEntry } from './read-har.js';
import { hideSecrets } from './request-headers.js';
import { envUser, hideSecretForm, hideSecretJson, hideSecretQuery } from './secret-fields.js';
import { selectApiEntries, type SelectOptions } from './select-entries.js';

/** One flow from a recording: a step per API request, recorded pauses as think times, ids correlated. */
const MIN_THINK_MS = 20;
const MAX_THINK_MS = 30_000;

export function buildHarScenario(entries: readonly HarEntry[], file: string, options: SelectOptions): ImportOutcome {
  const { kept, skipped } = selectApiEntries(entries, options);
  const left = [...skipped].map(([reason, n]) => `${n} ${reason}`).join(', ');
  if (kept.length === 0) {
    throw new InputError(
      `${file}: no API requests among ${entries.length} entries${left ? ` (left out: ${left})` : ''}; keep some with --include REGEX`,
    );
  }
  const services = serviceNames(kept);
  const steps = kept.map((e) => draftStep(e, '', services.get(new URL(e.request.url).origin) ?? 'api'));
  nameSteps(steps);
  const correlations = correlate(steps, kept.map(recordedResponse));
  const env: string[] = [];
  const flowName = slug(basename(file).replace(/\.har$/i, '')) || 'journey';
  const rendered = steps.map((s, i) => renderStep(s, thinkAfter(kept, i), env));
  const data: Record<string, unknown> = {
    name: flowName,
    services: Object.fromEntries([...services].map(([origin, name]) => [name, origin])),
    load: { rate: 1, duration: '30s' },
    flows: [{ name: flowName, steps: rendered }],
    slos: [...STARTER_SLOS],
  };
  const notes: CommentedScenario['notes'][number][] = steps.map((s, i) => ({
    path: ['flows', 0, 'steps', i],
    lines: s.notes.map((n) => `NOTE: ${n}`),
  }));
  notes.push({ path: ['load'], lines: ['Journeys started per second (open model).'] });
  const text = describeImport(file, kept.length, entries.length, left, correlations, env);
  const warnings = steps.flatMap((s) => s.notes.map((n) => `${s.name}: ${n}`));
  return { scenario: { data, header: text.header, notes }, report: text.report, warnings, summary: text.summary };
}

/** The file's header comment, what is printed about correlation, and the one-line summary. */
function describeImport(
  file: string,
  kept: number,
  recorded: number,
  left: string,
  correlations: readonly Correlation[],
  env: readonly string[],
): { header: string[]; report: string[]; summary: string[] } {
  const lines = correlationLines(correlations);
  const header = [
    `Imported by \`backend-bench import har\` from ${file}:`,
    `${kept} API requests of ${recorded} recorded${left ? ` (left out: ${left})` : ''}.`,
    ...lines,
  ];
  const count = `${correlations.length} correlated value${correlations.length === 1 ? '' : 's'}`;
  const summary = [`1 flow, ${kept} steps, ${count}`];
  if (env.length > 0) {
    header.push(`Credentials come from the environment: set ${env.join(', ')} before validate/run.`);
    summary.push(`set ${env.join(', ')} in the environment before validate/run`);
  }
  const report =
    correlations.length === 0
      ? ['correlated nothing: no value of a response is sent back by a later request']
      : lines.slice(1).map((l) => l.replace(/^ {2}/, 'correlated '));
  return { header, report, summary };
}

function correlationLines(correlations: readonly Correlation[]): string[] {
  if (correlations.length === 0) return ['No server-issued values were found reused in later requests.'];
  return [
    'Correlated (captured from a response, sent back later as {{vars.NAME}}):',
    ...correlations.map((c) => {
      const where = 'jsonPath' in c.source ? c.source.jsonPath : `header ${c.source.header}`;
      return `  ${c.variable}: ${c.from} ${where} -> ${c.uses.join('; ')}`;
    }),
  ];
}

function renderStep(s: DraftStep, thinkMs: number, env: string[]): Record<string, unknown> {
  const step: Record<string, unknown> = { name: s.name, service: s.service };
  if (s.method !== 'GET') step.method = s.method;
  step.path = literal(stepPath(s));
  const use = envUser(env);
  if (s.query.length > 0) step.query = hideSecretQuery(literal(Object.fromEntries(s.query)), use);
  const headers = hideSecrets(literal(s.headers), use);
  if (Object.keys(headers).length > 0) step.headers = headers;
  if (s.json !== undefined) step.json = hideSecretJson(literal(s.json), use);
  if (s.body !== undefined) {
    const form = /^application\/x-www-form-urlencoded\b/i.test(s.headers['content-type'] ?? '');
    step.body = form ? hideSecretForm(literal(s.body), use) : literal(s.body);
  }
  if (s.status >= 200 && s.status < 300) step.expect = { status: s.status };
  else if (s.status <= 0) s.notes.push('no response was recorded: no status expectation');
  else s.notes.push(`recorded status ${s.status}: no status expectation`);
  if (Object.keys(s.capture).length > 0) step.capture = { ...s.capture };
  if (thinkMs >= MIN_THINK_MS) {
    step.think = `${Math.min(Math.round(thinkMs), MAX_THINK_MS)}ms`;
    if (thinkMs > MAX_THINK_MS) s.notes.push(`recorded pause of ${Math.round(thinkMs / 1000)}s capped at 30s`);
  }
  return step;
}

/** The recorded pause between this request's end and the next one's start. */
function thinkAfter(entries: readonly HarEntry[], i: number): number {
  const current = entries[i];
  const next = entries[i + 1];
  if (current === undefined || next === undefined) return 0;
  // A start time that does not parse (read as 0) would make a pause of decades: no think time then.
  if (startMs(current) === 0 || startMs(next) === 0) return 0;
  return Math.max(0, startMs(next) - (startMs(current) + current.time));
}

/** Service names from origins: the host (with a non-default port), unique. */
function serviceNames(entries: readonly HarEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) {
    const { origin, host } = new URL(e.request.url);
    if (out.has(origin)) continue;
    const base = host.replace(/[^A-Za-z0-9_.-]+/g, '-');
    const taken = new Set(out.values());
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    out.set(origin, name);
  }
  return out;
}

/** "post-users", "get-users-id": method and path, with id-like segments as "id"; unique across the flow. */
function nameSteps(steps: DraftStep[]): void {
  const seen = new Map<string, number>();
  for (const s of steps) {
    const parts = s.segments.filter(Boolean).map((seg) => (/\d/.test(seg) && seg.length > 0 ? 'id' : seg));
    const base = slug([s.method, ...parts].join('-')).slice(0, 60) || 'step';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    s.name = n === 1 ? base : `${base}-${n}`;
  }
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
