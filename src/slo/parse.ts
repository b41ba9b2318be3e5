/**
 * Parses SLO expressions such as "p95 < 200ms" or "flow:checkout error_rate < 1%".
 *
 * Grammar:
 *   slo    := [scope] metric op number [unit]
 *   scope  := kind ':' name WS          "flow:checkout p95 < 800ms", "service:orders error_rate < 1%"
 *           | name ':' WS               "create-user: p95 < 300ms"   (kind = request)
 *   kind   := request | flow | step | service | queue
 *   name   := [A-Za-z0-9_./-]+
 *   metric := a key of SLO_METRICS, or an alias (p99.9 → p999, avg → mean)
 *   op     := < | <= | > | >= | = | ==   (= and == are the same)
 *   number := decimal, optionally with an exponent; never negative
 *   unit   := ms | s | us   (latency metrics; default ms)
 *           | %             (ratio metrics: "1%" = 0.01; a bare number is a fraction, and a bare 1 is refused
 *                            as ambiguous: 1 % or 100 %?)
 *   Count metrics take whole numbers only.
 *   Whitespace around op and before the unit is optional: "p95<200ms" is valid.
 *   A trailing window ("over 30s", "burn 14.4x over 5m") is parsed by window.ts; its grammar is written there.
 *
 * Values are normalised on the way in (ms for latency, fraction for ratio) so evaluation never deals with units.
 */
import { InputError } from '../errors.js';
import type { LatencySummary } from '../metrics/histogram.js';
import type { ScopeMetrics } from '../metrics/run-aggregator.js';
import type { EventMetrics } from '../metrics/event-aggregator.js';
import { EVENT_SLO_METRICS } from './event-metrics.js';
import { checkWindow, formatWindow, type SloWindow, splitWindow } from './window.js';

/** What an SLO reads for one scope: the request figures, plus the event figures of an event run. */
export type SloMetricView = ScopeMetrics & { events?: EventMetrics };

export interface SloMetricDef {
  kind: 'latency' | 'ratio' | 'rate' | 'count';
  description: string;
  /** undefined when the metric is not measured in this scope (e.g. an event metric in an HTTP run). */
  read(m: SloMetricView): number | undefined;
  /** How many samples the figure rests on (default: requests). */
  samples?(m: SloMetricView): number;
  /** Why the value can be missing, for the verdict's reason. */
  why?: string;
}

const latency = (key: keyof LatencySummary, description: string): SloMetricDef => ({
  kind: 'latency',
  description,
  read: (m) => m.latencyMs[key],
});

/** Every metric an SLO may name. Adding one is one line here; parser, formatter and evaluator follow. */
export const SLO_METRICS = {
  p50: latency('p50', 'median latency (ms)'),
  p90: latency('p90', '90th percentile latency (ms)'),
  p95: latency('p95', '95th percentile latency (ms)'),
  p99: latency('p99', '99th percentile latency (ms)'),
  p999: latency('p999', '99.9th percentile latency (ms)'),
  max: latency('max', 'slowest request (ms)'),
  mean: latency('mean', 'mean latency (ms)'),
  error_rate: { kind: 'ratio', description: 'failed requests / requests', read: (m) => m.errorRate },
  rps: { kind: 'rate', description: 'completed requests per second', read: (m) => m.rps },
  requests: { kind: 'count', description: 'completed requests', read: (m) => m.requests },
  errors: { kind: 'count', description: 'failed requests', read: (m) => m.errors },
  dropped: { kind: 'count', description: 'starts skipped because the load fell behind', read: (m) => m.dropped },
  ...EVENT_SLO_METRICS,
} satisfies Record<string, SloMetricDef>;

export type SloMetricName = keyof typeof SLO_METRICS;

/** Other spellings users reach for; they parse to the canonical key, which is what reports print. */
export const SLO_METRIC_ALIASES: Readonly<Record<string, SloMetricName>> = { 'p99.9': 'p999', avg: 'mean' };

export const SLO_SCOPE_KINDS = ['request', 'flow', 'step', 'service', 'queue'] as const;
export type SloScopeKind = (typeof SLO_SCOPE_KINDS)[number];
export type SloOp = '<' | '<=' | '>' | '>=' | '=';

export interface Threshold {
  /** The original text, trimmed. */
  expr: string;
  scope?: { kind: SloScopeKind; name: string };
  metric: SloMetricName;
  op: SloOp;
  /** Normalised: ms for latency, fraction for ratio. */
  value: number;
  unit: 'ms' | 'ratio' | 'rps' | 'count';
  /** "over 30s" / "burn 14.4x over 5m": judged per window of the per-second series (window.ts). */
  window?: SloWindow;
}

export interface SloSpec extends Threshold {
  abortOnFail: boolean;
  graceMs: number;
  minSamples: number;
  /** One of the default budget's SLOs, applied because the scenario set none. */
  default?: true;
}

/** A malformed SLO expression: the user must fix their input (exit 2). */
export class SloSyntaxError extends InputError {
  constructor(
    readonly expr: string,
    problem: string,
  ) {
    super(problem);
  }
}

const UNIT_OF_KIND = { latency: 'ms', ratio: 'ratio', rate: 'rps', count: 'count' } as const;

/** Per metric kind, the units it accepts and how each converts to the normalised value. */
const UNITS: Record<SloMetricDef['kind'], Readonly<Record<string, (x: number) => number>>> = {
  latency: { '': (x) => x, ms: (x) => x, s: (x) => x * 1000, us: (x) => x / 1000 },
  ratio: { '': (x) => x, '%': (x) => x / 100 },
  rate: { '': (x) => x },
  count: { '': (x) => x },
};
const ALL_UNITS = ['ms', 's', 'us', '%'];

const OPS: Readonly<Record<string, SloOp>> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=', '=': '=', '==': '=' };

const NAME = '[A-Za-z0-9_./-]+';
const KIND_SCOPE_RE = new RegExp(`^(${NAME}):(${NAME})\\s+(.*)$`, 's');
const REQUEST_SCOPE_RE = new RegExp(`^(${NAME}):\\s+(.*)$`, 's');
const METRIC_RE = /^[A-Za-z_][A-Za-z0-9_.]*/;
const OP_RE = /^[<>=!]+/;
const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

/** Strips float dust (0.07 / 100 = 0.0007000000000000001) so values compare and print as the user wrote them. */
const clean = (x: number): number => Number(x.toPrecision(12));

// Metric names like "toString" must not resolve through the prototype chain.
const own = <T>(map: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(map, key) ? map[key] : undefined;

const isMetricName = (name: string): name is SloMetricName => Object.hasOwn(SLO_METRICS, name);

const knownMetrics = (): string => [...Object.keys(SLO_METRICS), ...Object.keys(SLO_METRIC_ALIASES)].join(', ');

function splitScope(text: string, expr: string): { scope?: Threshold['scope']; body: string } {
  const k = KIND_SCOPE_RE.exec(text);
  if (k !== null) {
    const [, kind = '', name = '', body = ''] = k;
    const known = SLO_SCOPE_KINDS.find((s) => s === kind);
    if (known !== undefined) return { scope: { kind: known, name }, body };
    throw new SloSyntaxError(
      expr,
      `unknown scope kind "${kind}" in "${expr}" (known: ${SLO_SCOPE_KINDS.join(', ')}; ` +
        `a request scope is written "${kind}: metric op value", with a space after the colon)`,
    );
  }
  const r = REQUEST_SCOPE_RE.exec(text);
  if (r !== null) return { scope: { kind: 'request', name: r[1] ?? '' }, body: r[2] ?? '' };
  if (text.includes(':')) {
    throw new SloSyntaxError(
      expr,
      `malformed scope in "${expr}" (write "kind:name metric op value" with kind one of ` +
        `${SLO_SCOPE_KINDS.join(', ')}, or "request-name: metric op value")`,
    );
  }
  return { body: text };
}

function parseMetric(body: string, expr: string): { metric: SloMetricName; rest: string } {
  const token = METRIC_RE.exec(body)?.[0];
  if (token === undefined) throw new SloSyntaxError(expr, `missing metric in "${expr}" (known: ${knownMetrics()})`);
  const metric = isMetricName(token) ? token : own(SLO_METRIC_ALIASES, token);
  if (metric === undefined) {
    throw new SloSyntaxError(expr, `unknown metric "${token}" in "${expr}" (known: ${knownMetrics()})`);
  }
  return { metric, rest: body.slice(token.length).trimStart() };
}

function parseOp(text: string, expr: string): { op: SloOp; rest: string } {
  const token = OP_RE.exec(text)?.[0];
  const valid = '<, <=, >, >=, =, ==';
  if (token === undefined) throw new SloSyntaxError(expr, `missing operator in "${expr}" (expected one of ${valid})`);
  const op = own(OPS, token);
  if (op === undefined) throw new SloSyntaxError(expr, `unknown operator "${token}" in "${expr}" (valid: ${valid})`);
  return { op, rest: text.slice(token.length).trimStart() };
}

function parseNumber(text: string, op: string, expr: string): { raw: number; rest: string } {
  const token = NUMBER_RE.exec(text)?.[0];
  if (token === undefined) throw new SloSyntaxError(expr, `missing number after "${op}" in "${expr}"`);
  const raw = Number(token);
  if (raw < 0) throw new SloSyntaxError(expr, `negative threshold ${token} in "${expr}" (thresholds are >= 0)`);
  if (!Number.isFinite(raw)) throw new SloSyntaxError(expr, `threshold ${token} is out of range in "${expr}"`);
  return { raw, rest: text.slice(token.length).trimStart() };
}

function describeUnits(def: SloMetricDef): string {
  const units = Object.keys(UNITS[def.kind]).filter((u) => u !== '');
  return units.length === 0 ? 'it takes a bare number' : `use ${units.join(', ')} or none`;
}

function applyUnit(metric: SloMetricName, raw: number, text: string, expr: string): number {
  const def: SloMetricDef = SLO_METRICS[metric];
  const [unit = '', ...trailing] = text.split(/\s+/);
  if (trailing.length > 0) throw new SloSyntaxError(expr, `unexpected "${trailing.join(' ')}" at the end of "${expr}"`);
  const convert = own(UNITS[def.kind], unit);
  if (convert === undefined) {
    const problem = ALL_UNITS.includes(unit) ? `unit "${unit}" does not fit` : `unknown unit "${unit}" for`;
    throw new SloSyntaxError(expr, `${problem} ${def.kind} metric ${metric} in "${expr}" (${describeUnits(def)})`);
  }
  if (def.kind === 'ratio') checkRatio(metric, raw, unit, expr);
  if (def.kind === 'count') checkCount(metric, raw, expr);
  return clean(convert(raw));
}

function checkRatio(metric: string, raw: number, unit: string, expr: string): void {
  if (unit === '%' && raw > 100) throw new SloSyntaxError(expr, `${metric} ${raw}% is above 100% in "${expr}"`);
  if (unit === '' && raw > 1) {
    throw new SloSyntaxError(
      expr,
      `${metric} ${raw} is above 1 in "${expr}" (a bare number is a fraction; write "${raw}%" for percent)`,
    );
  }
  // "error_rate < 1" reads as 1 % to many and as 100 % to the parser: make the user say which.
  if (unit === '' && raw === 1) {
    throw new SloSyntaxError(expr, `${metric} 1 is ambiguous in "${expr}": write 1% (or 0.01), or 100%`);
  }
}

/** Counts are whole: "errors = 0.5" is a slip (for a share of requests, error_rate is the metric). */
function checkCount(metric: string, raw: number, expr: string): void {
  if (Number.isInteger(raw)) return;
  const hint = metric === 'errors' ? '; for a share of requests use error_rate, e.g. error_rate < 0.5%' : '';
  throw new SloSyntaxError(expr, `${metric} is a count: ${raw} is not a whole number in "${expr}"${hint}`);
}

/** Parses one SLO expression; throws SloSyntaxError naming what is wrong and what would be valid. */
export function parseThreshold(expr: string): Threshold {
  const text = expr.trim();
  if (text === '') throw new SloSyntaxError(text, `empty SLO expression (e.g. "p95 < 200ms")`);
  const { core, window } = splitWindow(text, (problem) => new SloSyntaxError(text, problem));
  const { scope, body } = splitScope(core, text);
  const { metric, rest: afterMetric } = parseMetric(body.trimStart(), text);
  const { op, rest: afterOp } = parseOp(afterMetric, text);
  const { raw, rest: afterNumber } = parseNumber(afterOp, op, text);
  const value = applyUnit(metric, raw, afterNumber.trimEnd(), text);
  const threshold: Threshold = { expr: text, metric, op, value, unit: UNIT_OF_KIND[SLO_METRICS[metric].kind] };
  if (scope !== undefined) threshold.scope = scope;
  if (window === undefined) return threshold;
  const problem = checkWindow(threshold, SLO_METRICS[metric], window, text);
  if (problem !== undefined) throw new SloSyntaxError(text, problem);
  return { ...threshold, window };
}

function formatValue(t: Threshold): string {
  switch (t.unit) {
    case 'ms':
      return `${clean(t.value)}ms`;
    case 'ratio':
      return `${clean(t.value * 100)}%`;
    default:
      return String(clean(t.value));
  }
}

/** Canonical text for reports: "p95 < 200ms", "error_rate < 1%", "create-user: p95 < 300ms". Parses back. */
export function formatThreshold(t: Threshold): string {
  return `${formatScope(t.scope)}${t.metric} ${t.op} ${formatValue(t)}${formatWindow(t.window)}`;
}

function formatScope(scope: Threshold['scope']): string {
  if (scope === undefined) return '';
  // Requests are the common case, so they get the short form the user most likely wrote.
  return scope.kind === 'request' ? `${scope.name}: ` : `${scope.kind}:${scope.name} `;
}
