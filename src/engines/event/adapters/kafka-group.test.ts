import { describe, expect, it } from 'vitest';
import { watchedGroupProblem } from './kafka-group.js';

const none = [{ offset: '-1' }, { offset: '-1' }];

describe('watchedGroupProblem (produce-only mode)', () => {
  it('accepts a group that has committed on the topic, whatever the broker says of it', () => {
    expect(watchedGroupProblem('app', 'orders', [{ offset: '-1' }, { offset: '12' }], 'Dead')).toBeUndefined();
  });

  it('accepts a live group that has not committed yet', () => {
    expect(watchedGroupProblem('app', 'orders', none, 'Stable')).toBeUndefined();
    expect(watchedGroupProblem('app', 'orders', none, 'PreparingRebalance')).toBeUndefined();
  });

  it('refuses a group the broker does not know, naming it and the topic', () => {
    expect(watchedGroupProblem('app-typo', 'orders', none, 'Dead')).toBe(
      'Kafka consumer group "app-typo" has no members and no committed offsets on "orders"',
    );
    expect(watchedGroupProblem('app-typo', 'orders', none, undefined)).toMatch(/app-typo/);
  });

  it('takes the group on trust when the broker does not answer DescribeGroups', () => {
    expect(watchedGroupProblem('app', 'orders', none, 'unanswered')).toBeUndefined();
  });
});
