import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two groups, one after the other.
 *
 * `timed`, one file at a time: files whose verdicts rest on the generator's timing (latency bounds, rates held,
 * saturation, throughput, noise between runs). Running two of them at once on 2 cores would skew every figure.
 *
 * `untimed`, two files at a time, first: files that assert counts, messages, exit codes and files, at low rates, and
 * spend most of their time waiting (a 60 s window, a broker's reconnect, a consumer paced at N msg/s). They share
 * nothing by name: every test makes its own ports, temp directories and broker destinations.
 *
 * A new end-to-end file under test/ lands in `timed` until it is listed here: the safe default is the slow one.
 */
const UNTIMED_E2E = [
  'test/bench-setup.test.ts',
  'test/capacity-search.test.ts',
  'test/ci-outputs.test.ts',
  'test/cli-input.test.ts',
  'test/cli-secrets.test.ts',
  'test/cli-validation.test.ts',
  'test/compare-events.test.ts',
  'test/compare.test.ts',
  'test/dashboards.test.ts',
  'test/events-faults.test.ts',
  'test/events-kafka.test.ts',
  'test/events-mqtt.test.ts',
  'test/grpc-reflection.test.ts',
  'test/import-har-browser.test.ts',
  'test/import-har.test.ts',
  'test/import-openapi.test.ts',
  'test/jetstream-publisher.test.ts',
  'test/k8s.test.ts',
  'test/kafka-adapter.test.ts',
  'test/kafka-mock/**/*.test.ts',
  'test/local-resource.test.ts',
  'test/output-failures.test.ts',
  'test/proxy.test.ts',
  'test/pushgateway.test.ts',
  'test/readme.test.ts',
  'test/schema-file.test.ts',
  'test/secrets.test.ts',
  'test/warm-up.test.ts',
  'test/windowed-slo.test.ts',
];

/** Unit tests that time something (a schedule, a deadline, a connection's latency, a run's clock). */
const TIMED_UNITS = [
  'src/commands/run.test.ts',
  'src/engines/event/consumer-runner.test.ts',
  'src/engines/event/event-engine-producers.test.ts',
  'src/engines/event/event-engine.test.ts',
  'src/engines/flow/flow-sender.test.ts',
  'src/engines/http/connection.test.ts',
  'src/engines/http/deadline-queue.test.ts',
  'src/engines/http/h2-session.test.ts',
  'src/engines/http/open-model.test.ts',
  'src/engines/http/request-runner.test.ts',
  'src/engines/websocket/ws-session.test.ts',
  'src/metrics/saturation.test.ts',
  'src/targets/launch.test.ts',
  'src/targets/microservices.test.ts',
  'src/targets/monolith.test.ts',
  'src/workloads/events/prime.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Vitest 3 makes one pool per kind, sized by this root config (by default one worker on 2 CPUs, whatever a
    // project says): so each group gets its own kind of pool, sized here.
    poolOptions: {
      threads: { maxThreads: 2, minThreads: 1 },
      forks: { maxForks: 1, minForks: 1 },
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'untimed',
          include: ['src/**/*.test.ts', ...UNTIMED_E2E],
          exclude: [...configDefaults.exclude, ...TIMED_UNITS],
          pool: 'threads',
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'timed',
          include: [...TIMED_UNITS, 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...UNTIMED_E2E],
          pool: 'forks',
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
