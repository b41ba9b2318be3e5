import { describe, expect, it } from 'vitest';
import { REDACTED, redactHeaders, redactUrl, scrubSecrets, scrubUrlMessage, urlSecrets } from './redact.js';

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
      'http://***@127.0.0.1:8080/x?token=%5Bredacted%5D&page=2',
    );
    expect(redactUrl('http://127.0.0.1/')).toBe('http://127.0.0.1/');
    expect(redactUrl('not a url //user:pw@host')).toBe('not a url //***@host');
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
