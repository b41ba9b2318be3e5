import { describe, expect, it } from 'vitest';
import { classifyError } from './error-kind.js';

describe('classifyError', () => {
  it('EMFILE, ENFILE, ENOBUFS, EADDRNOTAVAIL and EADDRINUSE are the generator running out: local_resource', () => {
    for (const code of ['EMFILE', 'ENFILE', 'ENOBUFS', 'EADDRNOTAVAIL', 'EADDRINUSE']) {
      expect(classifyError(Object.assign(new Error(code), { code }))).toBe('local_resource');
    }
  });
});
