import { z } from 'zod';

/** The latency figures of a saved result that `report` and `compare` read, wherever they sit in it. */
export const SavedLatency = z
  .object({ p50: z.number(), p90: z.number(), p95: z.number(), p99: z.number(), max: z.number() })
  .loose();
