import { describe, expect, it } from 'vitest';
import { proxyFor } from './proxy-env.js';

const at = (url: string, env: NodeJS.ProcessEnv, explicit?: string): string | undefined =>
  proxyFor(new URL(url), explicit, env)?.href;

describe('proxyFor (curl rules)', () => {
  it('picks the scheme variable, lowercase first, then all_proxy', () => {
    expect(at('https://api.test/', { HTTPS_PROXY: 'http://up:1', https_proxy: 'http://low:1' })).toBe('http://low:1/');
    expect(at('https://api.test/', { HTTP_PROXY: 'http://p:1' })).toBeUndefined();
    expect(at('http://api.test/', { HTTP_PROXY: 'http://p:1' })).toBe('http://p:1/');
    expect(at('http://api.test/', { ALL_PROXY: 'p:3128' })).toBe('http://p:3128/');
    expect(at('http://api.test/', {})).toBeUndefined();
  });

  it('proxies loopback unless NO_PROXY names it', () => {
    expect(at('http://127.0.0.1:8080/', { http_proxy: 'http://p:1' })).toBe('http://p:1/');
    expect(at('http://127.0.0.1:8080/', { http_proxy: 'http://p:1', no_proxy: '127.0.0.1' })).toBeUndefined();
  });

  it('matches NO_PROXY by domain suffix, exact IP, CIDR, port and *', () => {
    const env = (no_proxy: string): NodeJS.ProcessEnv => ({ https_proxy: 'http://p:1', no_proxy });
    expect(at('https://a.internal.test/', env('internal.test'))).toBeUndefined();
    expect(at('https://a.internal.test/', env('.internal.test'))).toBeUndefined();
    expect(at('https://notinternal.test/', env('internal.test'))).toBe('http://p:1/');
    expect(at('https://10.1.2.3/', env('10.0.0.0/8'))).toBeUndefined();
    expect(at('https://11.1.2.3/', env('10.0.0.0/8'))).toBe('http://p:1/');
    expect(at('https://api.test:8443/', env('api.test:8443'))).toBeUndefined();
    expect(at('https://api.test/', env('api.test:8443'))).toBe('http://p:1/');
    expect(at('https://[::1]:9/', env('[::1]'))).toBeUndefined();
    expect(at('https://anything/', env('*'))).toBeUndefined();
    expect(at('https://x/', env(' other , x '))).toBeUndefined();
  });

  it('uses an explicit proxy over the environment, still subject to NO_PROXY', () => {
    expect(at('https://api.test/', { https_proxy: 'http://env:1' }, 'http://mine:2')).toBe('http://mine:2/');
    expect(at('https://api.test/', { NO_PROXY: 'api.test' }, 'http://mine:2')).toBeUndefined();
  });
});
