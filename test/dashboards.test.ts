import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { defaultDashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { describe, expect, it } from 'vitest';
import { buildDashboards, UIDS } from '../scripts/dashboards/boards.js';
import { exportedSeriesNames } from '../src/metrics/names.js';
import { dashboardQueries, panelsOf, readDashboards, selectorNames } from './support/dashboards.js';

const DS = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };

describe('Grafana dashboards in dashboards/', () => {
  const committed = readDashboards();

  it('are exactly what the foundation-SDK definitions build (typed against Grafana’s dashboard schema)', () => {
    const built: Record<string, dashboard.Dashboard> = buildDashboards();
    expect([...committed.keys()].sort()).toEqual(Object.keys(built).sort());
    // Through JSON: the SDK leaves undefined fields the file cannot hold.
    for (const [file, json] of committed)
      expect(json, `${file} is stale: run npm run dashboards`).toEqual(JSON.parse(JSON.stringify(built[file])));
  });

  it('carry the schema’s required fields, stable uids and a layout inside the 24-column grid', () => {
    const required = Object.keys(defaultDashboard()).filter((k) => k !== 'id');
    const uids = [...committed.values()].map((b) => b.uid);
    expect(uids.sort()).toEqual(Object.values(UIDS).sort());
    for (const [file, board] of committed) {
      for (const key of required) expect(board, `${file}.${key}`).toHaveProperty(key);
      expect(typeof board.schemaVersion).toBe('number');
      for (const p of panelsOf(board) as { gridPos?: { x: number; w: number; h: number } }[]) {
        expect(p.gridPos, file).toBeDefined();
        expect((p.gridPos?.x ?? 0) + (p.gridPos?.w ?? 0)).toBeLessThanOrEqual(24);
      }
    }
  });

  it('offer the DS_PROMETHEUS data-source variable and a run_id variable, and every reference uses the variable', () => {
    for (const [file, board] of committed) {
      const vars = (
        board.templating as { list: { name: string; type: string; query?: string; datasource?: unknown }[] }
      ).list;
      expect(
        vars.find((v) => v.name === 'DS_PROMETHEUS'),
        file,
      ).toMatchObject({ type: 'datasource', query: 'prometheus' });
      expect(
        vars.find((v) => v.name === 'run_id'),
        file,
      ).toMatchObject({ type: 'query', datasource: DS });
      for (const p of panelsOf(board)) {
        if (p.type === 'row') continue;
        expect(p.datasource, `${file}: ${p.title}`).toEqual(DS);
        for (const t of p.targets ?? []) expect(t.datasource, `${file}: ${p.title}`).toEqual(DS);
      }
    }
  });

  it('query only metrics from the catalogue, and always filter by run_id', () => {
    const known = exportedSeriesNames();
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(20);
    for (const q of queries) {
      const names = selectorNames(q.expr);
      expect(names.length, `${q.board} "${q.panel}" ${q.refId}: ${q.expr}`).toBeGreaterThan(0);
      for (const name of names) expect(known, `${q.board} "${q.panel}": ${name}`).toContain(name);
      expect(q.expr, `${q.board} "${q.panel}"`).toContain('run_id=~"$run_id"');
    }
  });
});
