import { ERROR_KINDS } from '../../metrics/error-kinds.js';
import { PUBLISH_ERROR_KINDS } from '../../metrics/event-recorder.js';
import type { ScopeCounts } from '../../metrics/interval-recorder.js';
import { OTHER_STATUS } from '../../metrics/status-table.js';
import type { RunResult } from '../../result/run-result.js';
import type { SloVerdict } from '../../slo/evaluate.js';
import { VERSION } from '../../version.js';
import type { LiveUpdate, RunStart } from '../reporter.js';
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

/** Event runs only: series appear with the first event interval, so HTTP runs export none of them. */
const event: PromSection = {
  onInterval: (m, base, u) => {
    const events = u.events;
    if (events === undefined) return;
    events.queues.forEach((queue, i) => {
      const c = events.interval.queues[i];
      if (c === undefined) return;
      const labels = { ...base, queue };
      m.published.inc(labels, c.acked);
      m.consumed.inc(labels, c.consumed);
      m.messagesDropped.inc(labels, c.dropped);
      m.duplicates.inc(labels, c.duplicates);
      m.lost.inc(labels, c.lost + c.undelivered);
      for (const kind of PUBLISH_ERROR_KINDS) m.publishErrors.inc({ ...labels, kind }, c.errors[kind]);
      m.publishDuration.addHdr(labels, c.publish);
      m.e2eLatency.addHdr(labels, c.e2e);
      const lag = events.interval.lag[i];
      if (lag !== undefined) {
        if (lag.broker !== null) m.queueLag.set(labels, lag.broker);
        m.queueTimeLag.set(labels, lag.timeLagMs / 1000);
      }
    });
  },
};

/**
 * Flow runs, live like the request series: flows, services and steps (with their flow and service, so a board
 * can say which service a slow step waits on) from each second's interval. The last flush precedes onEnd, so the
 * final scrape and the Pushgateway hold the run's totals.
 */
const flow: PromSection = {
  onInterval: (m, base, u) => {
    const flows = u.flows;
    if (flows === undefined) return;
    const { scopes } = flows;
    scopes.flows.forEach(({ name }, i) => {
      const row = flows.flows.row(i);
      const labels = { ...base, flow: name };
      m.flowIterations.inc(labels, row.requests);
      m.flowErrors.inc(labels, row.errors);
      m.flowDuration.addHdr(labels, row.latency);
    });
    scopes.services.forEach((name, i) => {
      const row = flows.services.row(i);
      const labels = { ...base, service: name };
      m.serviceRequests.inc(labels, row.requests);
      m.serviceErrors.inc(labels, row.errors);
      m.serviceDuration.addHdr(labels, row.latency);
    });
    scopes.steps.forEach((step, i) => {
      const flowName = scopes.flows[step.flow]?.name ?? '';
      const latency = u.interval?.scopes.get(step.name)?.latency;
      if (latency !== undefined)
        m.stepDuration.addHdr(
          { ...base, flow: flowName, step: step.name, service: scopes.services[step.service] ?? '' },
          latency,
        );
      m.stepsSkipped.inc({ ...base, flow: flowName, step: step.name }, flows.stepSkipped[i] ?? 0);
    });
  },
};

/** Applied in this order. */
export const PROM_SECTIONS = { run, http, generator, slo, event, flow } satisfies Record<string, PromSection>;
