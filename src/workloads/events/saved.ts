import { z } from 'zod';
import { SavedLatency } from '../../result/saved-latency.js';

/** What compare reads of an event run: the counts and the e2e histograms, whole run and per queue. */
const EventCounts = { consumed: z.number(), lost: z.number(), undelivered: z.number(), e2eLatencyMs: SavedLatency };
export const SavedEvents = z
  .object({
    ...EventCounts,
    byQueue: z.record(
      z.string(),
      z.object({ ...EventCounts, mode: z.enum(['produce-consume', 'produce-only']) }).loose(),
    ),
    histograms: z
      .object({ e2e: z.string(), byQueue: z.record(z.string(), z.object({ e2e: z.string() }).loose()) })
      .loose(),
  })
  .loose();
