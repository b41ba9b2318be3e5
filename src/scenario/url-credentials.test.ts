import { describe, expect, it } from 'vitest';
import { splitCredentials, withUrlCredentials } from './url-credentials.js';

describe('URL credentials', () => {
  it('become a Basic authorization, decoded as curl does, and leave the URL', () => {
    const { url, authorization } = splitCredentials('http://alice:p%40ss@127.0.0.1:3000/api');
    expect(url).toBe('http://127.0.0.1:3000/api');
    expect(authorization).toBe(`Basic ${Buffer.from('alice:p@ss').toString('base64')}`);
  });

  it('leave a URL without credentials as it is', () => {
    expect(splitCredentials('http://127.0.0.1:3000')).toEqual({
      url: 'http://127.0.0.1:3000',
      authorization: undefined,
    });
  });

  it('never replace an authorization header the scenario gives, whatever its case', () => {
    expect(withUrlCredentials({ Authorization: 'Bearer t' }, 'Basic x')).toEqual({ Authorization: 'Bearer t' });
    expect(withUrlCredentials({ a: '1' }, 'Basic x')).toEqual({ a: '1', authorization: 'Basic x' });
  });
});
