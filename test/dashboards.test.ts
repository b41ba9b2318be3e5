import { defaultDashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { describe, expect, it } from 'vitest';
import { buildDashboards, UIDS } from '../scripts/dashboards/boards.js';
import { exportedSeriesNames } from '../src/metrics/names.js';
import { dashboardQueries, panelsOf, readDashboards, selectorNames } from './support/dashboards.js';

const DS = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };

describe('Grafana dashboards in dashboards/', () => {
  const committed = readDashboards();

  it('are exactly what the foundation-SDK definitions build (typed against Grafana’s dashboard schema)', () => {
    const built: Record<string, Record<string, unknown>> = buildDashboards();
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

  it('import asks for the Prometheus data source (__inputs) and names the plugins it needs (__requires)', () => {
    for (const [file, board] of committed) {
      expect(board.__inputs, file).toEqual([
        expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }),
      ]);
      const requires = (board.__requires as { type: string; id: string }[]).map((r) => `${r.type}:${r.id}`);
      expect(requires, file).toEqual(expect.arrayContaining(['grafana:grafana', 'datasource:prometheus']));
      const types = new Set(panelsOf(board).flatMap((p) => (p.type === 'row' ? [] : [p.type])));
      for (const t of types) expect(requires, `${file} uses ${t}`).toContain(`panel:${t}`);
    }
  });

  it('every panel has a description, and one unit for its one axis', () => {
    for (const [file, board] of committed) {
      for (const p of panelsOf(board) as {
        type: string;
        title: string;
        description?: string;
        fieldConfig?: { defaults?: { unit?: string }; overrides?: { properties: { id: string }[] }[] };
      }[]) {
        if (p.type === 'row') continue;
        expect(p.description?.length ?? 0, `${file}: ${p.title}`).toBeGreaterThan(10);
        expect(p.fieldConfig?.defaults?.unit, `${file}: ${p.title}`).toBeTruthy();
        const overridden = (p.fieldConfig?.overrides ?? []).flatMap((o) => o.properties.map((x) => x.id));
        expect(overridden, `${file}: ${p.title}`).not.toContain('unit');
      }
    }
  });

  it('the run variable lists the latest run first and selects it by default', () => {
    for (const [file, board] of committed) {
      const run = (board.templating as { list: Record<string, unknown>[] }).list.find((v) => v.name === 'run_id');
      expect(run?.query, file).toMatch(/^query_result\(sort_desc\(max by \(run_id\) \(max_over_time\(timestamp\(/);
      expect(run?.regex, file).toBe('/run_id="([^"]+)"/');
      // Sorting off keeps the query's order; no stored selection, so Grafana selects the first: the latest.
      expect(run?.sort ?? 0, file).toBe(0);
      expect(run?.current, file).toBeUndefined();
    }
  });

  it('latency panels keep run_id in their aggregation, so selected runs do not merge', () => {
    const quantiles = dashboardQueries().filter((q) => q.expr.includes('histogram_quantile'));
    expect(quantiles.length).toBeGreaterThan(5);
    for (const q of quantiles) expect(q.expr, `${q.board} "${q.panel}"`).toMatch(/sum by \(le, run_id[,)]/);
  });
});
