import { Worker } from 'node:worker_threads';
import type { ResolvedTransport } from '../engines/http/dial.js';
import { ABORT_DRAIN_MS } from '../engines/engine.js';
import { BenchError, RunError } from '../errors.js';
import type { IntervalRecorder } from '../metrics/interval-recorder.js';
import {
  type GeneratorHealth,
  type GeneratorSample,
  judgeHealth,
  type ThreadFigures,
  worstFigures,
  worstSample,
} from '../metrics/saturation.js';
import { decodeInterval } from '../metrics/snapshot-wire.js';
import { nestShard, type Shard } from '../scenario/shard.js';
import type { RunKit } from '../workloads/workload.js';
import type { FromWorker, PlanSource, ToWorker, WorkerSetup } from './worker-protocol.js';

/** How long a flush waits for every worker's interval; a late one is folded into the next second, not lost. */
const COLLECT_WAIT_MS = 400;
/** After a stop, workers get the engine's drain time and this margin to report, then they are terminated. */
const STOP_MARGIN_MS = 600;

interface Member {
  worker: Worker;
  done: boolean;
  sample: GeneratorSample | undefined;
  figures: ThreadFigures | undefined;
  leftover: Float64Array[] | undefined;
}

/** What every worker of a group is told at start; each gets its own slot (`shard`) of the run's. */
export interface GroupSetup {
  source: PlanSource;
  baseUrl: string;
  shard: Shard;
  count: number;
  transport?: ResolvedTransport;
  runId?: string;
}

/** Messages a workload's own protocol adds (an event run's scheduled, settled, status), with the worker's index. */
export type WorkloadMessage = Extract<FromWorker, { type: 'scheduled' | 'settled' | 'status' }>;

/**
 * The worker threads of one run and the main thread's side of their protocol: it starts them together, asks
 * each for its interval once a second and folds the answers into the run's recorder (exactly: counts are
 * added, histograms merged), stops them on abort, and reports the worst thread's health.
 */
export class WorkerGroup {
  private readonly members: Member[] = [];
  private readonly failure: Promise<never>;
  private pendingFlush = new Set<Member>();
  private flushed: (() => void) | undefined;
  private allDone: (() => void) | undefined;
  private fail: (err: BenchError) => void = () => undefined;
  private listener: ((index: number, message: WorkloadMessage) => void) | undefined;

  private constructor(private readonly recorder: IntervalRecorder) {
    this.failure = new Promise<never>((_, reject) => (this.fail = reject));
    this.failure.catch(() => undefined);
  }

  /** Starts `count` workers on `shard` of the run and waits until each has loaded its plan (and is ready to load). */
  static async start(recorder: IntervalRecorder, how: GroupSetup): Promise<WorkerGroup> {
    const { source, baseUrl, shard, count, transport, runId } = how;
    const group = new WorkerGroup(recorder);
    const ready: Promise<void>[] = [];
    for (let index = 0; index < count; index++) {
      const setup: WorkerSetup = { source, baseUrl, shard: nestShard(shard, { index, count }), transport, runId };
      const worker = new Worker(new URL('./run-worker.js', import.meta.url), { workerData: setup });
      const member: Member = { worker, done: false, sample: undefined, figures: undefined, leftover: undefined };
      group.members.push(member);
      ready.push(new Promise((resolve) => group.listen(member, resolve)));
    }
    try {
      await Promise.race([Promise.all(ready), group.failure]);
    } catch (err) {
      await group.terminate();
      throw err;
    }
    return group;
  }

  private listen(member: Member, ready: () => void): void {
    const { worker } = member;
    const handlers: { [K in FromWorker['type']]: (m: Extract<FromWorker, { type: K }>) => void } = {
      ready: () => ready(),
      interval: (m) => {
        this.recorder.absorb(decodeInterval(m.interval));
        member.sample = m.sample;
        this.answered(member);
      },
      done: (m) => {
        this.recorder.absorb(decodeInterval(m.interval));
        member.figures = m.figures;
        member.leftover = m.leftover;
        member.done = true;
        this.answered(member);
        if (this.members.every((x) => x.done)) this.allDone?.();
      },
      failed: (m) => this.fail(new BenchError(`worker ${this.members.indexOf(member) + 1}: ${m.message}`, m.exitCode)),
      scheduled: (m) => this.listener?.(this.members.indexOf(member), m),
      settled: (m) => this.listener?.(this.members.indexOf(member), m),
      status: (m) => this.listener?.(this.members.indexOf(member), m),
    };
    worker.on('message', (m: FromWorker) => (handlers[m.type] as (x: FromWorker) => void)(m));
    worker.on('error', (err) =>
      this.fail(new RunError(`worker ${this.members.indexOf(member) + 1} crashed: ${err.message}`, { cause: err })),
    );
    worker.on('exit', (code) => {
      if (!member.done)
        this.fail(new RunError(`worker ${this.members.indexOf(member) + 1} exited (code ${code}) before reporting`));
    });
  }

  private post(message: ToWorker, to: readonly Member[] = this.members): void {
    for (const m of to) if (!m.done) m.worker.postMessage(message);
  }

  /** Hears the messages of the workload's own protocol. */
  onWorkloadMessage(listener: (index: number, message: WorkloadMessage) => void): void {
    this.listener = listener;
  }

  /** To one worker, moving `transfer` (a receipts batch's buffer) rather than copying it. */
  send(index: number, message: ToWorker, transfer: ArrayBuffer[] = []): void {
    const m = this.members[index];
    if (m !== undefined && !m.done) m.worker.postMessage(message, transfer);
  }

  /** Rejects when a worker fails or dies before reporting. */
  get failed(): Promise<never> {
    return this.failure;
  }

  /** Starts the load in every worker. */
  begin(): void {
    this.post({ type: 'start' });
  }

  /** Ends the schedule early in every worker (a stop by the user or an SLO). */
  halt(): void {
    this.post({ type: 'stop' });
  }

  /**
   * A load that ends when told (an event run's producers, after the main thread's drain): asks every worker to
   * finish and waits for their last intervals, at most `ms`, then ends the threads. Returns what each still awaited.
   */
  async finish(ms: number): Promise<(Float64Array[] | undefined)[]> {
    const done = new Promise<void>((resolve) => (this.allDone = resolve));
    if (this.members.every((m) => m.done)) this.allDone?.();
    let timer: NodeJS.Timeout | undefined;
    this.post({ type: 'finish' });
    try {
      // A failed worker has already failed the run (its load's promise rejected): the others still report.
      const failed = this.failure.catch(() => undefined);
      await Promise.race([done, failed, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    } finally {
      clearTimeout(timer);
      await this.terminate();
    }
    return this.members.map((m) => m.leftover);
  }

  private answered(member: Member): void {
    this.pendingFlush.delete(member);
    if (this.pendingFlush.size === 0) this.flushed?.();
  }

  /** Asks every running worker for its interval; resolves when all answered (or after a short wait). */
  async collect(): Promise<void> {
    const running = this.members.filter((m) => !m.done);
    if (running.length === 0) return;
    this.pendingFlush = new Set(running);
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.flushed = resolve;
      timer = setTimeout(resolve, COLLECT_WAIT_MS);
      this.post({ type: 'flush' }, running);
    });
    clearTimeout(timer);
    this.flushed = undefined;
  }

  /** Starts the load in every worker; resolves once all have finished and their last intervals are folded in. */
  async run(signal: AbortSignal): Promise<void> {
    const done = new Promise<void>((resolve) => (this.allDone = resolve));
    let deadline: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      this.post({ type: 'stop' });
      // A worker stuck past its drain is cut, so a stop always returns promptly (its last second is lost).
      deadline = setTimeout(() => this.allDone?.(), ABORT_DRAIN_MS + STOP_MARGIN_MS);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    this.begin();
    if (signal.aborted) onAbort();
    try {
      await Promise.race([done, this.failure]);
    } finally {
      clearTimeout(deadline);
      signal.removeEventListener('abort', onAbort);
      await this.terminate();
    }
  }

  /** The worst worker over the last interval. */
  sample(): GeneratorSample {
    return worstSample(this.members.flatMap((m) => (m.sample === undefined ? [] : [m.sample])));
  }

  /** The worst worker over the run, judged with the merged send delay. */
  health(model: 'open' | 'closed', sendDelayP99Ms: number): GeneratorHealth {
    const figures = worstFigures(this.members.flatMap((m) => (m.figures === undefined ? [] : [m.figures])));
    return judgeHealth(model, { ...figures, sendDelayP99Ms });
  }

  get size(): number {
    return this.members.length;
  }

  /** Ends every thread (also after a failed start of the rest of the run). */
  async terminate(): Promise<void> {
    for (const m of this.members) m.done = true;
    await Promise.all(this.members.map((m) => m.worker.terminate()));
  }
}

/**
 * A kit whose load runs in worker threads: their intervals are folded into its recorder before each second is
 * published, and their health (the worst thread) is the generator's. `run` is the group's own unless the workload
 * drives the threads itself (an event run's engine does).
 */
export function threadedKit(kit: RunKit, group: WorkerGroup, run = (signal: AbortSignal) => group.run(signal)): RunKit {
  return {
    ...kit,
    run,
    collect: () => group.collect(),
    generatorSample: () => group.sample(),
    generatorHealth: (model, sendDelayP99Ms) => group.health(model, sendDelayP99Ms),
  };
}
