import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { parseListenAddress } from './listen-address.js';

describe('--prometheus [host:]port', () => {
  it('binds to loopback by default', () => {
    expect(parseListenAddress('9464', '--prometheus')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListenAddress(':9464', '--prometheus')).toEqual({ host: '127.0.0.1', port: 9464 });
  });
  it('takes an explicit IPv4, IPv6 or name', () => {
    expect(parseListenAddress('0.0.0.0:9100', '--prometheus')).toEqual({ host: '0.0.0.0', port: 9100 });
    expect(parseListenAddress('[::1]:9100', '--prometheus')).toEqual({ host: '::1', port: 9100 });
    expect(parseListenAddress('localhost:0', '--prometheus')).toEqual({ host: 'localhost', port: 0 });
  });
  it('rejects what is not a port, naming the flag', () => {
    for (const bad of ['', 'abc', '70000', '1.5', 'host:', '::1:80']) {
      expect(() => parseListenAddress(bad, '--prometheus')).toThrow(InputError);
    }
    expect(() => parseListenAddress('x', '--prometheus')).toThrow(/--prometheus "x": expected \[host:\]port/);
  });
});
