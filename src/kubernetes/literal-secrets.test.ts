import { describe, expect, it } from 'vitest';
import { literalSecrets } from './literal-secrets.js';

describe('literalSecrets', () => {
  it('finds literal secret headers and URL credentials, with file:line:col; placeholders are fine', () => {
    const text = [
      'target: http://alice:pw@api.internal',
      'requests:',
      '  - path: /a',
      '    headers: { Authorization: "Bearer abc123", X-Trace: "1" }',
      '  - path: /b',
      '    headers:',
      '      x-api-key: ${API_KEY}',
      '      cookie: "sid=${SID}"',
      'events: { broker: { url: "amqp://${USER}:${PASS}@rabbit" } }',
    ].join('\n');
    expect(literalSecrets(text, 's.yaml')).toEqual([
      's.yaml:1:9: a URL carries literal credentials (user:password@)',
      's.yaml:4:31: header Authorization holds a literal secret',
    ]);
  });

  it('reads JSON scenarios too', () => {
    expect(literalSecrets('{"requests":[{"path":"/","headers":{"Cookie":"sid=1"}}]}', 's.json')).toEqual([
      's.json:1:46: header Cookie holds a literal secret',
    ]);
  });
});
