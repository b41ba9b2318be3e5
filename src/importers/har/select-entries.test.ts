import { describe, expect, it } from 'vitest';
import type { HarEntry } from './read-har.js';
import { selectApiEntries, siteOf } from './select-entries.js';

const entry = (method: string, url: string, mimeType = 'application/json', status = 200): HarEntry => ({
  startedDateTime: '2026-01-01T00:00:00.000Z',
  time: 1,
  request: { method, url, headers: [] },
  response: { status, headers: [], content: { mimeType } },
});

const recording = [
  entry('GET', 'https://www.shop.test/', 'text/html'),
  entry('GET', 'https://www.shop.test/assets/app.3f2a.js', 'application/javascript'),
  entry('GET', 'https://www.shop.test/img/logo', 'image/svg+xml'),
  entry('GET', 'https://api.shop.test/v1/cart'),
  entry('OPTIONS', 'https://api.shop.test/v1/cart'),
  entry('POST', 'https://www.google-analytics.com/g/collect', 'text/plain'),
  entry('GET', 'https://cdn.jsdelivr.net/config.json'),
  entry('POST', 'https://www.shop.test/api/orders'),
  entry('GET', 'data:image/png;base64,AAAA'),
  entry('GET', 'https://api.shop.test/v1/stock', 'x-unknown', 0),
];

describe('selectApiEntries', () => {
  it('keeps first-party API requests and counts what it left out, by reason', () => {
    const { kept, skipped } = selectApiEntries(recording, { include: [], exclude: [] });
    expect(kept.map((e) => `${e.request.method} ${e.request.url}`)).toEqual([
      'GET https://api.shop.test/v1/cart',
      'POST https://www.shop.test/api/orders',
    ]);
    expect(Object.fromEntries(skipped)).toEqual({
      'static asset': 3,
      preflight: 1,
      analytics: 1,
      'third-party origin': 1,
      'not http': 1,
      'no response': 1,
    });
  });

  it('--include keeps anything; --exclude drops anything', () => {
    const { kept } = selectApiEntries(recording, { include: [/jsdelivr/], exclude: [/\/orders/] });
    expect(kept.map((e) => e.request.url)).toEqual([
      'https://api.shop.test/v1/cart',
      'https://cdn.jsdelivr.net/config.json',
    ]);
  });

  it('sites: last two labels; IP addresses and localhost are their own site', () => {
    expect(siteOf('api.shop.test')).toBe('shop.test');
    expect(siteOf('127.0.0.1')).toBe('127.0.0.1');
    expect(siteOf('localhost')).toBe('localhost');
  });
});
