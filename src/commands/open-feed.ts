import { InputError } from '../errors.js';
import { type DataFeed, loadCsvFeed } from '../scenario/data-feed.js';
import type { ExecutionPlan } from '../scenario/plan.js';
import type { Shard } from '../scenario/shard.js';

/**
 * Loads the CSV feed and checks it has every column the templates read, before any traffic. A generator that runs
 * a shard of the load (a --shard, a worker thread) keeps only its rows, so generators never send each other's.
 */
export async function openFeed(data: NonNullable<ExecutionPlan['data']>, shard?: Shard): Promise<DataFeed> {
  const feed = await loadCsvFeed(data.file, data.order, shard, data.maxBytes);
  const missing = data.columns.filter((c) => !feed.columns.includes(c));
  if (missing.length > 0) {
    throw new InputError(
      `${data.file}: no column ${missing.map((c) => `"${c}"`).join(', ')} (columns: ${feed.columns.join(', ')})`,
    );
  }
  return feed;
}
