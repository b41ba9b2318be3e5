/**
 * Judges a windowed SLO ("p95 < 200ms over 30s", "error_rate < 1% burn 14.4x over 5m") over the run's
 * per-second figures. Each window's latency comes from the sum of its seconds' HDR histograms (added as the
 * window slides in, subtracted as it slides out), so a window's p95 is exact, never an average of percentiles.
 */
import { createHistogram, decodeHistogram, type Histogram, summarizeHistogram } from '../metrics/histogram.js';
import type { ScopeMetrics } from '../metrics/run-aggregator.js';
import { SLO_METRICS, type SloMetricDef, type SloSpec } from './parse.js';

/** One second of the run: its counts and, when kept, its latency histogram. */
export interface SecondFigures {
  requests: number;
  errors: number;
  dropped: number;
  latency: Histogram | undefined;
}

/** The window a verdict was decided by: seconds of the run, 1-based and inclusive, as the time series counts. */
export interface WorstWindow {
  from: number;
  to: number;
}

export interface WindowJudgement {
  value: number | null;
  samples: number;
  pass: boolean;
  reason: string;
  worstWindow?: WorstWindow;
}

/** The per-second figures of a result or an aggregator: its time series and, when kept, each point's histogram. */
export function perSecond(
  points: readonly { requests: number; errors: number; dropped: number }[],
  histograms: readonly string[] | undefined,
): SecondFigures[] {
  const exact = histograms !== undefined && histograms.length === points.length;
  return points.map((p, i) => ({
    requests: p.requests,
    errors: p.errors,
    dropped: p.dropped,
    latency: exact ? decodeHistogram(histograms[i] as string) : undefined,
  }));
}

interface Window {
  from: number;
  to: number;
  view: ScopeMetrics;
}

/** Every window of `size` seconds, sliding by one second; a run shorter than that is one window. */
function* windows(seconds: readonly SecondFigures[], size: number, latency: boolean): Generator<Window> {
  const span = Math.min(size, seconds.length);
  const sum = { requests: 0, errors: 0, dropped: 0 };
  const histogram = createHistogram();
  for (let i = 0; i < seconds.length; i++) {
    const s = seconds[i] as SecondFigures;
    sum.requests += s.requests;
    sum.errors += s.errors;
    sum.dropped += s.dropped;
    if (latency && s.latency !== undefined) histogram.add(s.latency);
    const out = seconds[i - span];
    if (out !== undefined) {
      sum.requests -= out.requests;
      sum.errors -= out.errors;
      sum.dropped -= out.dropped;
      if (latency && out.latency !== undefined) histogram.subtract(out.latency);
    }
    if (i + 1 < span) continue;
    const view: ScopeMetrics = {
      ...sum,
      rps: sum.requests / span,
      errorRate: sum.requests > 0 ? sum.errors / sum.requests : 0,
      latencyMs: latency ? summarizeHistogram(histogram) : summarizeHistogram(createHistogram()),
    };
    yield { from: i + 2 - span, to: i + 1, view };
  }
}

const worse = (spec: SloSpec, a: number, b: number): boolean =>
  spec.op === '>' || spec.op === '>=' ? a < b : spec.op === '=' ? a !== spec.value && b === spec.value : a > b;

function describe(spec: SloSpec, value: number, w: WorstWindow, size: number, total: number): string {
  const where = `${w.from}–${w.to} s`;
  const whole = total < size ? ` (the run is shorter than the window: judged as one window of ${total} s)` : '';
  const window = total < size ? `${total} s` : `${size} s`;
  if (spec.window?.burn !== undefined) {
    const burn = spec.value > 0 ? Math.round((value / spec.value) * 10) / 10 : Infinity;
    return `worst ${window} window ${where}: burn ${burn}x (limit ${spec.window.burn}x)${whole}`;
  }
  return `worst ${window} window ${where}${whole}`;
}

/**
 * The worst window decides: the SLO holds only if every window with enough samples holds. Windows with fewer
 * than `required` samples are not judged; with none judged there is no value. `holds` is the SLO's comparison
 * (for a burn rate: against budget × burn).
 */
export function judgeWindows(
  spec: SloSpec,
  seconds: readonly SecondFigures[],
  required: number,
  holds: (value: number) => boolean,
): WindowJudgement {
  const size = (spec.window?.ms ?? 0) / 1000;
  const def: SloMetricDef = SLO_METRICS[spec.metric];
  const latency = def.kind === 'latency';
  if (latency && seconds.some((s) => s.requests > 0 && s.latency === undefined)) {
    return { value: null, samples: 0, pass: false, reason: 'no per-second histograms in this result' };
  }
  let worst: { value: number; samples: number; at: WorstWindow } | undefined;
  let pass = true;
  let judged = 0;
  for (const w of windows(seconds, size, latency)) {
    const samples = def.samples?.(w.view) ?? w.view.requests;
    const value = def.read(w.view);
    if (samples < required || value === undefined) continue;
    judged++;
    if (!holds(value)) pass = false;
    if (worst === undefined || worse(spec, value, worst.value))
      worst = { value, samples, at: { from: w.from, to: w.to } };
  }
  if (worst === undefined) {
    return { value: null, samples: 0, pass: false, reason: `no ${size} s window had ${required} samples` };
  }
  const reason = `${describe(spec, worst.value, worst.at, size, seconds.length)}; ${judged} windows judged`;
  return { value: worst.value, samples: worst.samples, pass, reason, worstWindow: worst.at };
}
