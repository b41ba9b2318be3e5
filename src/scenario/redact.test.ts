import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  redactHeaders,
  redactQuery,
  redactUrl,
  redactUrlsInText,
  scrubSecrets,
  scrubUrlMessage,
  urlSecrets,
} from './redact.js';

describe('redact', () => {
  it('hides secret header values whatever their case', () => {
    expect(redactHeaders({ Authorization: 'Bearer abc', COOKIE: 'a=b', accept: 'x' })).toEqual({
      Authorization: REDACTED,
      COOKIE: REDACTED,
      accept: 'x',
    });
  });

  it('removes credentials and token-like query values from URLs', () => {
    expect(redactUrl('http://alice:s3cret@127.0.0.1:8080/x?token=abc&page=2')).toBe(
      'http://***@127.0.0.1:8080/x?token=[redacted]&page=2',
    );
    expect(redactUrl('http://127.0.0.1/')).toBe('http://127.0.0.1/');
    expect(redactUrl('http://127.0.0.1:9')).toBe('http://127.0.0.1:9');
    expect(redactUrl('not a url //user:pw@host')).toBe('not a url //***@host');
  });

  it('redacts every well-known secret query parameter, and keeps the others as written', () => {
    const secrets = [
      'token',
      'access_token',
      'api_key',
      'apikey',
      'key',
      'signature',
      'sig',
      'password',
      'secret',
      'client_secret',
      'auth',
      'X-Amz-Signature',
      'X-Amz-Credential',
      'myApiKey',
      'db_password',
    ];
    for (const name of secrets) {
      const out = redactUrl(`https://h.example/p?page=2&${name}=S3CRET&q=a%20b`);
      expect(out, name).not.toContain('S3CRET');
      expect(out, name).toContain('page=2');
      expect(out, name).toContain('q=a%20b');
    }
    expect(redactQuery('?page=2&sort=name&monkey=1')).toBe('?page=2&sort=name&monkey=1');
    expect(redactUrl('https://h.example/cb#access_token=S3CRET&state=1')).not.toContain('S3CRET');
    expect(redactUrl('/relative?api_key=S3CRET')).toBe(`/relative?api_key=${REDACTED}`);
  });

  it('redacts URLs inside free text', () => {
    const text = 'request to https://bob:pw1234@h.example/x?token=S3CRET failed: ECONNREFUSED';
    expect(redactUrlsInText(text)).toBe('request to https://***@h.example/x?token=[redacted] failed: ECONNREFUSED');
  });

  it('scrubs known secret values from free text', () => {
    expect(scrubSecrets('failed with Bearer abcdef', ['Bearer abcdef'])).toBe(`failed with ${REDACTED}`);
  });

  it("names a URL's secrets and scrubs them, and the URL itself, from a library's message", () => {
    const url = 'http://alice:p%40ss@pg:9091/x?token=tok123&job=a';
    expect(urlSecrets(url)).toEqual(['p%40ss', 'tok123', 'alice', 'p@ss']);
    expect(urlSecrets('http://pg:9091/')).toEqual([]);
    const message = scrubUrlMessage(`connect to ${url} failed (user alice, pass p@ss)`, url);
    expect(message).not.toMatch(/p%40ss|p@ss|tok123|alice/);
    expect(message).toMatch(/^connect to http:\/\/\*\*\*@pg:9091\/x\?token=/);
  });
});
