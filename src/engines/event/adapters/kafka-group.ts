/**
 * Produce-only mode watches the application's consumer group, so the group must exist: a misspelt name would read
 * as a lag that only grows. Kafka creates groups implicitly, so "exists" means: it has committed on the topic, or the
 * broker describes it as alive (DescribeGroups state other than Dead). A Kafka-protocol broker that does not serve
 * DescribeGroups (librdkafka's mock cluster) cannot say; the group is then taken on trust, and a lag reading's
 * `partitions_without_commit` shows what is unknown.
 *
 * Returns the problem, or undefined when the group may be watched.
 */
export function watchedGroupProblem(
  group: string,
  topic: string,
  committed: readonly { offset: string }[],
  describedState: string | undefined | 'unanswered',
): string | undefined {
  if (committed.some((p) => Number(p.offset) >= 0)) return undefined;
  if (describedState === 'unanswered') return undefined;
  if (describedState !== undefined && describedState !== 'Dead') return undefined;
  return `Kafka consumer group "${group}" has no members and no committed offsets on "${topic}"`;
}
