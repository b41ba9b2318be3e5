import { ERROR_KINDS } from '../../metrics/error-kinds.js';
import type { ScopeCounts } from '../../metrics/interval-recorder.js';
import { OTHER_STATUS } from '../../metrics/status-table.js';
import type { RunResult } from '../../result/run-result.js';
import type { SloVerdict } from '../../slo/evaluate.js';
import { VERSION } from '../../version.js';
import type { LiveUpdate, RunStart } from '../reporter.js';
import type { MetricEmitter } from '../section.js';
import type { Instruments } from './instruments.js';

export type BaseLabels = { run_id: string; scenario: string };

/** One part of the exported metrics; a section sets only what the run has, so absent parts export nothing. */
export interface PromSection {
  onStart?(m: Instruments, base: BaseLabels, start: RunStart): void;
  onInterval?(m: Instruments, base: BaseLabels, update: LiveUpdate): void;
  onEnd?(m: Instruments, base: BaseLabels, result: RunResult): void;
}

const run: PromSection = {
  onStart: (m, base, start) => m.runInfo.set({ ...base, model: start.model, version: VERSION }, 1),
  onInterval: (m, base, u) => m.runElapsed.set(base, u.elapsedMs / 1000),
  onEnd: (m, base, r) => {
    m.runElapsed.set(base, r.durationMs / 1000);
    m.runDuration.set(base, r.durationMs / 1000);
    m.runPassed.set(base, r.pass ? 1 : 0);
  },
};

/**
 * Responses by status code: a counter label only. Latency histograms stay per request, without the code, so a
 * request costs 17 histogram series rather than 17 per status; OTLP carries duration by status instead.
 */
function countResponses(m: Instruments, labels: BaseLabels & { request: string }, s: ScopeCounts): void {
  for (const row of s.statuses ?? []) {
    if (row.requests === 0 || row.status === 0) continue;
    m.responses.inc({ ...labels, code: row.status === OTHER_STATUS ? 'other' : String(row.status) }, row.requests);
  }
}

const http: PromSection = {
  // Series start at zero, so rate() and increase() see the first interval's requests.
  onStart: (m, base, start) => {
    for (const request of start.requests) {
      for (const c of [m.requests, m.requestErrors, m.dropped]) c.inc({ ...base, request }, 0);
    }
    for (const kind of ERROR_KINDS) m.errors.inc({ ...base, kind }, 0);
    m.inFlight.set(base, 0);
    m.targetRate.set(base, 0);
  },
  onInterval: (m, base, u) => {
    const interval = u.interval;
    if (interval === undefined) return;
    for (const [request, s] of interval.scopes) {
      const labels = { ...base, request };
      m.requests.inc(labels, s.requests);
      m.requestErrors.inc(labels, s.errors);
      m.dropped.inc(labels, s.dropped);
      m.requestDuration.addHdr(labels, s.latency);
      countResponses(m, labels, s);
    }
    for (const kind of ERROR_KINDS) m.errors.inc({ ...base, kind }, interval.errorsByKind[kind]);
    m.sendDelay.addHdr(base, interval.sendDelay);
    m.inFlight.set(base, interval.inFlight);
    m.targetRate.set(base, interval.targetRate);
    m.achievedRate.set(base, u.point.rps);
  },
  onEnd: (m, base) => m.inFlight.set(base, 0),
};

const generator: PromSection = {
  onInterval: (m, base, u) => {
    if (u.generator === undefined) return;
    m.eventLoopDelay.set(base, u.generator.eventLoopDelayP99Ms / 1000);
    m.cpu.set(base, u.generator.cpuPercent / 100);
    m.saturated.set(base, u.generator.saturated ? 1 : 0);
  },
  // At the end, the whole-run judgement replaces the last interval's (it is what the Pushgateway keeps).
  onEnd: (m, base, r) => {
    m.eventLoopDelay.set(base, r.generator.eventLoopDelayP99Ms / 1000);
    m.cpu.set(base, r.generator.cpuPercent / 100);
    m.saturated.set(base, r.generator.saturated ? 1 : 0);
  },
};

/** Base units: latency budgets are written in ms and exported in seconds. */
const toBase = (value: number, unit: SloVerdict['unit']): number => (unit === 'ms' ? value / 1000 : value);

function setVerdicts(m: Instruments, base: BaseLabels, verdicts: readonly SloVerdict[]): void {
  for (const v of verdicts) {
    const labels = {
      ...base,
      slo: v.expr,
      metric: v.metric,
      scope: v.scope ? `${v.scope.kind}:${v.scope.name}` : 'run',
    };
    m.sloPass.set(labels, v.pass ? 1 : 0);
    m.sloThreshold.set(labels, toBase(v.threshold, v.unit));
    if (v.value !== null) m.sloValue.set(labels, toBase(v.value, v.unit));
  }
}

const slo: PromSection = {
  onInterval: (m, base, u) => setVerdicts(m, base, u.verdicts ?? []),
  onEnd: (m, base, r) => setVerdicts(m, base, r.slos),
};

/** Catalogue names to this registry's instruments, with the run's labels added. */
function emitter(m: Instruments, base: BaseLabels): MetricEmitter {
  return {
    count: (metric, labels, n) => m[metric].inc({ ...base, ...labels }, n),
    gauge: (metric, labels, value) => m[metric].set({ ...base, ...labels }, value),
    latency: (metric, labels, histogram) => m[metric].addHdr({ ...base, ...labels }, histogram),
  };
}

/**
 * What the workload adds (flows, services and steps; queues), live like the request series. Series appear with
 * the first interval that has them, so a run exports only its own. The last flush precedes onEnd, so the final
 * scrape and the Pushgateway hold the run's totals.
 */
const workload: PromSection = {
  onInterval: (m, base, u) => {
    for (const section of u.sections ?? []) section.emit(emitter(m, base));
  },
};

/** Applied in this order. */
export const PROM_SECTIONS = { run, http, generator, slo, workload } satisfies Record<string, PromSection>;
