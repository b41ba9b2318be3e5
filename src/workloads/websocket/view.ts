import { z } from 'zod';
import type { SectionView } from '../../reporters/section.js';
import { SavedLatency } from '../../result/saved-latency.js';
import { formatWebSocket, webSocketTable } from './summary.js';

/** What a saved result's `websocket` section must hold to be rendered again. */
const SavedWebSocket = z
  .object({
    sessions: z.object({ started: z.number(), failed: z.number() }).loose(),
    connectMs: SavedLatency,
    messages: z.object({ sent: z.number(), received: z.number() }).loose(),
    closes: z.record(z.string(), z.object({ byServer: z.number(), byClient: z.number() })),
  })
  .loose();

/** The `websocket` section: round trips are the run's requests; sessions, messages and closes are added. */
export const webSocketView: SectionView = {
  holds: (result) => result.websocket !== undefined,
  units: { requests: 'round trips', rate: 'round trips/s' },
  summary: (result, c) => formatWebSocket(result.websocket, c),
  tables: (result) => (result.websocket === undefined ? [] : [webSocketTable(result.websocket)]),
  mergeRefusal: 'a WebSocket run',
  savedFields: { websocket: SavedWebSocket.optional() },
};
