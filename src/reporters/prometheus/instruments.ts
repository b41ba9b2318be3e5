import { Counter, Gauge, type Registry } from 'prom-client';
import {
  COMMON_LABELS,
  LATENCY_BUCKETS_SECONDS,
  type MetricDef,
  type MetricType,
  METRICS,
} from '../../metrics/names.js';
import { BucketHistogram } from './bucket-histogram.js';

type InstrumentOf = {
  counter: Counter<string>;
  gauge: Gauge<string>;
  histogram: BucketHistogram<string>;
};

/** One prom-client instrument per catalogue entry, typed by the entry's kind. */
export type Instruments = { [K in keyof typeof METRICS]: InstrumentOf[(typeof METRICS)[K]['type']] };

const labelNames = (d: MetricDef): string[] => [...COMMON_LABELS, ...d.labels];

const FACTORIES = {
  counter: (d, registers) => new Counter({ name: d.name, help: d.help, labelNames: labelNames(d), registers }),
  gauge: (d, registers) => new Gauge({ name: d.name, help: d.help, labelNames: labelNames(d), registers }),
  histogram: (d, registers) =>
    new BucketHistogram({
      name: d.name,
      help: d.help,
      labelNames: labelNames(d),
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers,
    }),
} satisfies { [K in MetricType]: (d: MetricDef, registers: Registry[]) => InstrumentOf[K] };

/** Registers every metric of the catalogue in `registry` (never prom-client's global one). */
export function createInstruments(registry: Registry): Instruments {
  const entries = Object.entries(METRICS).map(([key, d]: [string, MetricDef]) => [
    key,
    FACTORIES[d.type](d, [registry]),
  ]);
  return Object.fromEntries(entries) as Instruments;
}
