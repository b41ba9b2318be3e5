import { describe, expect, it } from 'vitest';
import { resolvePlan } from '../commands/resolve-plan.js';
import type { RunResult } from '../result/run-result.js';
import { sectionsOf, WORKLOADS, workloadOf } from './registry.js';

const DRIVEN_BY = {
  'scenarios/monolith.yaml': WORKLOADS.requests,
  'scenarios/microservices.yaml': WORKLOADS.flows,
  'scenarios/events-demo.yaml': WORKLOADS.events,
  'scenarios/websocket.yaml': WORKLOADS.websocket,
};

describe('the workload registry', () => {
  it('finds exactly one workload for each shipped kind of scenario', async () => {
    for (const [file, expected] of Object.entries(DRIVEN_BY)) {
      const plan = await resolvePlan(file, {});
      const driving = Object.values(WORKLOADS).filter((w) => w.drives(plan));
      expect(driving, file).toEqual([expected]);
      expect(workloadOf(plan), file).toBe(expected);
    }
  });

  it('lets only request workloads be split into shards and threads', () => {
    expect(Object.entries(WORKLOADS).map(([name, w]) => [name, w.splits])).toEqual([
      ['requests', true],
      ['flows', false],
      ['events', false],
      ['grpc', false],
      ['websocket', false],
    ]);
  });

  it('recognises a saved result’s sections by the fields docs/result-schema.md gives them', () => {
    const base = { byRequest: {} } as unknown as RunResult;
    expect(sectionsOf(base)).toEqual([]);
    expect(sectionsOf({ ...base, byFlow: {}, byStep: {}, byService: {} })).toEqual([WORKLOADS.flows.section]);
    const events = { ...base, events: {} } as unknown as RunResult;
    expect(sectionsOf(events)).toEqual([WORKLOADS.events.section]);
    const websocket = { ...base, websocket: {} } as unknown as RunResult;
    expect(sectionsOf(websocket)).toEqual([WORKLOADS.websocket.section]);
  });
});
