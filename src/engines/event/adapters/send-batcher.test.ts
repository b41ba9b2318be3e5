import { describe, expect, it } from 'vitest';
import { SendBatcher } from './send-batcher.js';

describe('SendBatcher', () => {
  it('sends the records added in one event-loop turn as one request', async () => {
    const sent: number[][] = [];
    const batcher = new SendBatcher<number>(
      async (records) => void sent.push(records),
      () => 1,
    );
    await Promise.all([1, 2, 3].map((n) => batcher.add(n)));
    await batcher.add(4);
    expect(sent).toEqual([[1, 2, 3], [4]]);
  });

  it('splits a turn at the record and byte limits', async () => {
    const sent: number[][] = [];
    const batcher = new SendBatcher<number>(
      async (records) => void sent.push(records),
      (n) => n,
      { records: 2, bytes: 10 },
    );
    await Promise.all([1, 2, 3, 8, 1].map((n) => batcher.add(n)));
    expect(sent).toEqual([[1, 2], [3], [8, 1]]);
  });

  it('rejects every record of a failed request with its error, and goes on', async () => {
    let fail = true;
    const batcher = new SendBatcher<number>(
      async () => {
        if (fail) throw new Error('broker down');
      },
      () => 1,
    );
    const results = await Promise.allSettled([batcher.add(1), batcher.add(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batcher.add(3)).resolves.toBeUndefined();
  });

  it('settles each record by its own outcome when the request answers them one by one', async () => {
    const batcher = new SendBatcher<number>(
      async (records) => records.map((n) => (n % 2 === 0 ? new Error(`refused ${n}`) : undefined)),
      () => 1,
    );
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => batcher.add(n)));
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual([
      'ok',
      'refused 2',
      'ok',
      'refused 4',
    ]);
  });
});
