import type { SectionView } from '../../reporters/section.js';
import { compareEventRows, eventScopesOf } from './compare.js';
import { eventCharts } from './charts.js';
import { eventsTable } from './report-table.js';
import { SavedEvents } from './saved.js';
import { formatEvents } from './summary.js';

/** The `events` section of a result: publishes are the run's requests, and its table replaces theirs. */
export const eventsView: SectionView = {
  holds: (result) => result.events !== undefined,
  units: {
    requests: 'messages published',
    rate: 'msg/s',
    // As the table counts them: confirmed publishes, per second of the publish phase (the drain sends nothing).
    figures: (result) => ({
      count: result.events?.acked ?? result.metrics.requests,
      rate: result.events?.rates.acked ?? result.metrics.rps,
    }),
  },
  replacesRequestTable: true,
  summary: (result, c) => formatEvents(result.events, c),
  tables: (result) => (result.events === undefined ? [] : [eventsTable(result.events)]),
  charts: eventCharts,
  mergeRefusal: 'an event run',
  savedFields: { events: SavedEvents.optional() },
  compareRows: compareEventRows,
  compareScopeNames: (result) => [...eventScopesOf(result).keys()],
};
