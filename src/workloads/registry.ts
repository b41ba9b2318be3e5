import type { SectionView } from '../reporters/section.js';
import type { RunResult } from '../result/run-result.js';
import type { ExecutionPlan } from '../scenario/plan.js';
import { events } from './events/index.js';
import { flows } from './flows/index.js';
import { grpc } from './grpc/index.js';
import { requests } from './requests/index.js';
import { websocket } from './websocket/index.js';
import type { Workload } from './workload.js';

/**
 * The only place that names every workload. A new one is a folder beside these that exports a Workload, and
 * an entry here (docs/architecture.md has the checklist). Sections are rendered in this order.
 */
export const WORKLOADS = { requests, flows, events, grpc, websocket } satisfies Record<string, Workload>;

const ALL: readonly Workload[] = Object.values(WORKLOADS);

/** The workload a validated plan drives (exactly one: the schema allows requests, flows or events). */
export function workloadOf(plan: ExecutionPlan): Workload {
  const found = ALL.find((w) => w.drives(plan));
  if (found === undefined) throw new RangeError(`scenario ${plan.name} drives no known workload`);
  return found;
}

/** The sections a result holds, in registry order. */
export function sectionsOf(result: RunResult): SectionView[] {
  return ALL.flatMap((w) => (w.section?.holds(result) ? [w.section] : []));
}

/** Every workload's section view, in registry order (the saved-result gate is built from them). */
export function allSections(): SectionView[] {
  return ALL.flatMap((w) => (w.section === undefined ? [] : [w.section]));
}
