import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planTransport, planTransports } from './transport-plan.js';
import { Scenario } from './schema.js';
import { HttpVersion, TlsOptions } from './transport-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'bb-transport-'));
writeFileSync(join(dir, 'ca.pem'), 'CA PEM');

function problems(): { list: string[]; add(path: readonly (string | number)[], message: string): void } {
  const list: string[] = [];
  return { list, add: (path, message) => void list.push(`${path.join('.')}: ${message}`) };
}

describe('planTransport', () => {
  it('reads TLS files relative to the scenario directory and keeps the options', () => {
    const p = problems();
    const t = planTransport({ tls: { ca: 'ca.pem', servername: 'api.internal' }, http: '2' }, dir, p, ['target']);
    expect(p.list).toEqual([]);
    expect(t.tls).toMatchObject({ ca: 'CA PEM', servername: 'api.internal', insecure: false });
    expect(t.http).toBe('2');
    expect(t.demoTls).toBe(false);
  });

  it('names every unreadable file and a bad proxy by field', () => {
    const p = problems();
    planTransport({ tls: { cert: 'c.pem', key: 'k.pem' }, proxy: 'socks5://p:1' }, dir, p, ['target']);
    expect(p.list).toEqual([
      'target.proxy: proxy socks5://p:1: only http:// proxies are supported',
      'target.tls.cert: cannot read c.pem: no such file',
      'target.tls.key: cannot read k.pem: no such file',
    ]);
  });

  it("gives flow services the target's transport unless they set their own", () => {
    const config = Scenario.parse({
      target: { tls: { insecure: true }, http: 'auto' },
      services: { a: 'https://a.test', b: { url: 'https://b.test', tls: { ca: 'ca.pem' }, http: 1 } },
      load: { rate: 1, duration: 1 },
      flows: [{ name: 'f', steps: [{ name: 's', service: 'a', path: '/' }] }],
    });
    const p = problems();
    const { services } = planTransports(config, dir, p);
    expect(p.list).toEqual([]);
    expect(services.a).toMatchObject({ http: 'auto', tls: { insecure: true } });
    expect(services.b).toMatchObject({ http: '1', tls: { insecure: true, ca: 'CA PEM' } });
  });

  it('requires cert and key together, and a known HTTP version', () => {
    const tls = TlsOptions.safeParse({ cert: 'c.pem' });
    expect(tls.success).toBe(false);
    expect(tls.error?.issues[0]?.message).toBe('set cert and key together');
    expect(HttpVersion.safeParse(3).success).toBe(false);
    expect(HttpVersion.parse(2)).toBe('2');
    expect(HttpVersion.parse('auto')).toBe('auto');
  });
});
