import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export interface DashboardQuery {
  board: string;
  panel: string;
  /** The title of the row the panel sits under ('' above the first row). */
  row: string;
  refId: string;
  expr: string;
}

interface PanelJson {
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string; refId?: string; datasource?: { type?: string; uid?: string } }[];
}

export const DASHBOARD_DIR = join(ROOT, 'dashboards');

export function readDashboards(): Map<string, Record<string, unknown>> {
  const files = readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith('.json'));
  return new Map(
    files.map((f) => [f, JSON.parse(readFileSync(join(DASHBOARD_DIR, f), 'utf8')) as Record<string, unknown>]),
  );
}

export function panelsOf(board: Record<string, unknown>): PanelJson[] {
  return (board.panels as PanelJson[] | undefined) ?? [];
}

/** Every PromQL expression of every panel, with where it comes from. */
export function dashboardQueries(): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const [file, board] of readDashboards()) {
    let row = '';
    for (const p of panelsOf(board)) {
      if (p.type === 'row') row = p.title ?? '';
      for (const t of p.targets ?? [])
        out.push({ board: file, panel: p.title ?? '?', row, refId: t.refId ?? '?', expr: t.expr ?? '' });
    }
  }
  return out;
}

/** Metric names used as selectors in a PromQL expression (a name followed by `{`). */
export function selectorNames(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1] ?? '');
}
