import { describe, expect, it } from 'vitest';
import { consumerGroupLag, logEndByPartition } from './kafka-lag.js';

const log = (partition: number, high: number, low = 0) => ({ partition, high: String(high), low: String(low) });
const committed = (partition: number, offset: number) => ({ partition, offset: String(offset) });

describe('consumerGroupLag', () => {
  it('sums log-end minus committed over partitions', () => {
    const reading = consumerGroupLag(
      [committed(0, 90), committed(1, 40), committed(2, 7)],
      [log(0, 100), log(1, 40), log(2, 12)],
      new Map(),
    );
    expect(reading.messages).toBe(10 + 0 + 5);
    expect(reading.parts).toEqual({
      log_end_offset: 152,
      committed_offset: 137,
      partitions: 3,
      partitions_without_commit: 0,
    });
    expect(reading.excludesUnacked).toBe(false);
    expect(reading.source).toMatch(/log-end offset − committed offset/);
  });

  it('clamps a partition at zero when a commit lands after the committed read (the two requests race)', () => {
    // Read committed first (50), a consumer commits 60, then log-end reads 55: that partition shows -5, never summed.
    const reading = consumerGroupLag([committed(0, 60), committed(1, 10)], [log(0, 55), log(1, 30)], new Map());
    expect(reading.messages).toBe(20);
  });

  it('counts an uncommitted partition from where the run started, not from the start of the log', () => {
    const start = logEndByPartition([log(0, 1000, 0), log(1, 500, 0)]);
    const reading = consumerGroupLag([committed(0, -1), committed(1, 520)], [log(0, 1030, 0), log(1, 530, 0)], start);
    expect(reading.messages).toBe(30 + 10);
    expect(reading.parts.partitions_without_commit).toBe(1);
  });

  it('counts a partition newer than the run from its log-start offset', () => {
    const start = logEndByPartition([log(0, 10)]);
    const reading = consumerGroupLag([committed(0, 10)], [log(0, 10), log(1, 25, 5)], start);
    expect(reading.messages).toBe(20);
  });

  it('is zero for an empty topic and a group that never committed', () => {
    expect(consumerGroupLag([], [log(0, 0), log(1, 0)], new Map()).messages).toBe(0);
  });
});
