import { describe, expect, it } from 'vitest';
import { consumerThreadsFor } from './run.js';

describe('consumerThreadsFor', () => {
  it('runs the consumers in the publishing thread on one CPU, in a thread of their own on more', () => {
    expect(consumerThreadsFor(1)).toBe(0);
    expect(consumerThreadsFor(2)).toBe(1);
    expect(consumerThreadsFor(64)).toBe(1);
  });
});
