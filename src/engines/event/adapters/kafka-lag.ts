import type { LagReading } from '../broker-adapter.js';

/** Offsets of one partition as kafkajs returns them (int64 as decimal strings). */
export interface CommittedOffset {
  partition: number;
  /** "-1" when the group has never committed on this partition. */
  offset: string;
}
export interface LogOffsets {
  partition: number;
  /** Log-end offset: the offset the next produced message will get. */
  high: string;
  /** Log-start offset: the oldest message still retained. */
  low: string;
}

export const KAFKA_LAG_SOURCE =
  'kafka consumer-group lag (log-end offset − committed offset, summed over partitions; committed read first)';

/**
 * Consumer-group lag as Kafka tools define it: per partition, log-end offset minus the group's committed offset,
 * summed. The committed offsets must be read before the log-end offsets: read the other way round, a commit landing
 * between the two reads makes a partition's lag negative. Clamping at zero absorbs what remains of that race
 * (committed offsets come from the group coordinator, log-end offsets from each partition leader).
 *
 * A partition where the group has no committed offset yet counts from `startOffsets` (the log-end offsets when the
 * run began: what was produced since then is not consumed), or from its log-start offset when the partition is newer
 * than the run.
 */
export function consumerGroupLag(
  committed: readonly CommittedOffset[],
  logOffsets: readonly LogOffsets[],
  startOffsets: ReadonlyMap<number, number>,
): LagReading {
  const committedBy = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  let messages = 0;
  let logEnd = 0;
  let committedSum = 0;
  let uncommitted = 0;
  for (const p of logOffsets) {
    const high = Number(p.high);
    const own = committedBy.get(p.partition) ?? -1;
    const base = own >= 0 ? own : (startOffsets.get(p.partition) ?? Number(p.low));
    if (own < 0) uncommitted++;
    logEnd += high;
    committedSum += base;
    messages += Math.max(0, high - base);
  }
  return {
    messages,
    parts: {
      log_end_offset: logEnd,
      committed_offset: committedSum,
      partitions: logOffsets.length,
      partitions_without_commit: uncommitted,
    },
    source: KAFKA_LAG_SOURCE,
    // Messages fetched by a consumer but not yet committed are still counted: Kafka lag has no "unacked" blind spot.
    excludesUnacked: false,
  };
}

/** The log-end offset of each partition, as a map for `consumerGroupLag`'s `startOffsets`. */
export function logEndByPartition(logOffsets: readonly LogOffsets[]): Map<number, number> {
  return new Map(logOffsets.map((p) => [p.partition, Number(p.high)]));
}
