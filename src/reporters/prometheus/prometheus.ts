import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Pushgateway, Registry } from 'prom-client';
import { RunError } from '../../errors.js';
import { displayUrl, scrubUrlMessage } from '../../scenario/redact.js';
import type { RunResult } from '../../result/run-result.js';
import type { LiveUpdate, Reporter, RunStart } from '../reporter.js';
import { createInstruments, type Instruments } from './instruments.js';
import type { ListenAddress } from './listen-address.js';
import { type BaseLabels, PROM_SECTIONS, type PromSection } from './sections.js';

/** The Pushgateway job every run pushes under; runs are told apart by the run_id grouping key. */
export const PUSH_JOB = 'backend_bench';

export interface PrometheusOptions {
  /** Serve /metrics here during the run. */
  listen?: ListenAddress;
  /** Push the end-of-run state here, grouped by run_id. */
  pushgateway?: string;
  /** How long /metrics stays up after the run, so the last scrape sees the final values. */
  lingerMs: number;
  /** Ctrl-C: skips the linger. */
  signal?: AbortSignal;
  log(line: string): void;
  /** A failed bind or push: a warning of the run (exit 3 with --strict-outputs), never a failed verdict. */
  warn(output: 'prometheus' | 'pushgateway', message: string): void;
  /** How long the push may take (the run's bound on delivery at the end). */
  pushTimeoutMs?: number;
}

const SECTIONS: readonly PromSection[] = Object.values(PROM_SECTIONS);

/** Prometheus exposition (prom-client, own registry) of a run: live on /metrics, and/or pushed at the end. */
export class PrometheusReporter implements Reporter {
  readonly name = 'prometheus';
  readonly registry = new Registry();
  private readonly m: Instruments = createInstruments(this.registry);
  private base: BaseLabels = { run_id: '', scenario: '' };
  private server: Server | undefined;
  private ended = false;

  private constructor(private readonly options: PrometheusOptions) {}

  /**
   * Starts the /metrics server before any load. A port that cannot be bound is a warning: the run goes on without
   * /metrics (a push still happens), and --strict-outputs turns it into exit 3 after the run.
   */
  static async create(options: PrometheusOptions): Promise<PrometheusReporter> {
    const reporter = new PrometheusReporter(options);
    if (options.listen !== undefined) await reporter.listen(options.listen);
    return reporter;
  }

  /** The bound address (port 0 picks a free one). */
  get address(): AddressInfo | undefined {
    const a = this.server?.address();
    return a !== null && typeof a === 'object' ? a : undefined;
  }

  private async listen({ host, port }: ListenAddress): Promise<void> {
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    });
    const failure = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once('error', resolve);
      server.listen(port, host, () => resolve(undefined));
    });
    if (failure !== undefined) {
      const shown = host.includes(':') ? `[${host}]` : host;
      this.options.warn(
        'prometheus',
        `cannot listen on ${shown}:${port} (${failure.code ?? failure.message}): no /metrics`,
      );
      return;
    }
    this.server = server;
    const a = this.address;
    const shown = a?.family === 'IPv6' ? `[${a.address}]` : a?.address;
    this.options.log(`prometheus: metrics at http://${shown}:${a?.port}/metrics`);
  }

  onStart(start: RunStart): void {
    // A reporter may serve several runs (capacity's steps): each ends on its own final values.
    this.ended = false;
    this.base = { run_id: start.runId, scenario: start.scenario };
    for (const s of SECTIONS) s.onStart?.(this.m, this.base, start);
  }

  onInterval(update: LiveUpdate): void {
    for (const s of SECTIONS) s.onInterval?.(this.m, this.base, update);
  }

  /** The final values (verdicts, totals) go into the registry, then to the Pushgateway if there is one. */
  async deliver(result: RunResult): Promise<void> {
    this.ended = true;
    for (const s of SECTIONS) s.onEnd?.(this.m, this.base, result);
    if (this.options.pushgateway !== undefined) await this.push(this.options.pushgateway, result.runId);
  }

  /** Without a delivery (the run's bound cut it short), /metrics still shows the final values. */
  onEnd(result: RunResult): void {
    if (!this.ended) for (const s of SECTIONS) s.onEnd?.(this.m, this.base, result);
  }

  /** PUT replaces the run's group as a whole: a re-push never leaves stale series behind. */
  private async push(url: string, runId: string): Promise<void> {
    try {
      const timeout = this.options.pushTimeoutMs ?? 10_000;
      await new Pushgateway(url, { timeout }, this.registry).push({
        jobName: PUSH_JOB,
        groupings: { run_id: runId },
      });
      this.options.log(`pushgateway: pushed run ${runId} to ${displayUrl(url)} (job ${PUSH_JOB})`);
    } catch (err) {
      // The gate's verdict stands on its own; a failed push is a warning (exit 3 only with --strict-outputs).
      const why = scrubUrlMessage(err instanceof Error ? err.message : String(err), url);
      this.options.warn('pushgateway', `push to ${displayUrl(url)} failed: ${why}`);
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    if (this.options.lingerMs > 0) {
      // After an interrupted run the signal has already fired; the linger still happens (a second Ctrl-C quits).
      const signal = this.options.signal?.aborted === false ? this.options.signal : undefined;
      this.options.log(
        `prometheus: /metrics stays up ${this.options.lingerMs / 1000}s for a last scrape (Ctrl-C to skip)`,
      );
      await delay(this.options.lingerMs, undefined, { signal }).catch(() => undefined);
    }
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Removes a run's group from a Pushgateway (`backend-bench pushgateway-delete`). */
export async function deletePushedRun(url: string, runId: string): Promise<void> {
  try {
    await new Pushgateway(url, { timeout: 10_000 }, new Registry()).delete({
      jobName: PUSH_JOB,
      groupings: { run_id: runId },
    });
  } catch (err) {
    const why = scrubUrlMessage(err instanceof Error ? err.message : String(err), url);
    throw new RunError(`pushgateway ${displayUrl(url)}: delete of run ${runId} failed: ${why}`);
  }
}
