import { scopeTable } from '../../reporters/scope-report-table.js';
import type { SectionView } from '../../reporters/section.js';
import { formatFlows } from './summary.js';
import { flowCharts } from './charts.js';

/** The flow sections of a result: flows (iterations), steps (the run's request scopes) and services. */
export const flowsView: SectionView = {
  holds: (result) => result.byFlow !== undefined,
  summary: (result, c) => formatFlows(result, c),
  tables: (result) =>
    [
      scopeTable('Flows (iterations)', 'flow', result.byFlow),
      scopeTable('Steps', 'step', result.byStep),
      scopeTable('Services', 'service', result.byService),
    ].filter((t) => t !== undefined),
  charts: flowCharts,
  mergeRefusal: 'a flow run',
  compareScopes: (result) => [
    { kind: 'flow', scopes: result.byFlow, histograms: result.histograms.byFlow, perSecond: false },
    { kind: 'step', scopes: result.byStep, histograms: result.histograms.byStep, perSecond: true },
    { kind: 'service', scopes: result.byService, histograms: result.histograms.byService, perSecond: false },
  ],
};
