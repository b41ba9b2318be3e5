import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';

describe('mixed HTTP + gRPC flows', () => {
  it('scenarios/microservices-grpc.yaml: gRPC steps capture from the response message; services broken down', async () => {
    const out = join(tempDir(), 'r.json');
    const run = await runCli(['run', 'scenarios/microservices-grpc.yaml', '-q', '--out', out], { timeoutMs: 90_000 });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const r = readResult(out);
    const iterations = r.byFlow?.['reserve-and-order']?.requests ?? 0;
    expect(iterations).toBe(120);
    expect(r.metrics.errors).toBe(0);
    // Two gRPC steps per journey reach stock; the reservation id captured from one gRPC reply reached orders.
    expect(r.byService?.stock?.requests).toBe(2 * iterations);
    expect(r.byService?.orders?.requests).toBe(iterations);
    expect(r.byStep?.reserve).toMatchObject({ service: 'stock', skipped: 0, errors: 0 });
    expect(r.byStep?.['place-order']).toMatchObject({ skipped: 0, errors: 0 });
    expect(r.connections).toMatchObject({ stock: { protocol: 'grpc' }, users: { protocol: 'http/1.1' } });
  });

  it('a gRPC step whose method or message does not fit the proto is exit 2 at its line', async () => {
    const dir = tempDir();
    const file = join(dir, 'flow.yaml');
    writeFileSync(
      file,
      `target: { demo: microservices }
load: { rate: 1, duration: 1s }
flows:
  - name: f
    steps:
      - service: stock
        call: shop.Inventory/Reserv
      - service: stock
        call: shop.Inventory/Reserve
        message: { sku: a, quantity: "{{vars.n}}", qty: 2 }
`,
    );
    const run = await runCli(['validate', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /flow\.yaml:7:\d+ flows\[0\]\.steps\[0\]\.call: service shop\.Inventory has no method "Reserv"/,
    );
    expect(run.stderr).toMatch(
      /flow\.yaml:10:\d+ flows\[0\]\.steps\[1\]\.message\.qty: unknown field of ReserveRequest/,
    );
  });
});
