import type { ChalkInstance } from 'chalk';
import { z } from 'zod';
import type { StreamTotals } from '../../metrics/grpc-recorder.js';
import { encodeHistogram, type LatencySummary, summarizeHistogram } from '../../metrics/histogram.js';
import type { SectionView } from '../../reporters/section.js';
import type { RunResult } from '../../result/run-result.js';
import type { GrpcRequestPlan } from '../../scenario/grpc/grpc-plan.js';

/**
 * What a gRPC run adds to the result (`grpc`): each call's method and kind and, for streaming calls, messages
 * per call and the time to the first message from the intended start. The calls themselves are the run's
 * requests (`byRequest`), so latency, errors by status name and SLOs read them like HTTP requests.
 */
export interface GrpcCallSection {
  method: string;
  kind: string;
  streams?: {
    calls: number;
    messages: number;
    messagesPerCall: number;
    firstMessageMs: LatencySummary;
    /** HDR histogram (compressed base64, microseconds), so results can be merged. */
    firstMessageHistogram: string;
  };
}

export interface GrpcSection {
  byCall: Record<string, GrpcCallSection>;
}

export function grpcSection(requests: readonly GrpcRequestPlan[], streams: readonly StreamTotals[]): GrpcSection {
  const byCall: Record<string, GrpcCallSection> = {};
  requests.forEach((r, i) => {
    const s = streams[i];
    const streaming = r.call.method.kind === 'server_stream' || r.call.method.kind === 'bidi_stream';
    byCall[r.name] = {
      method: r.call.method.name,
      kind: r.call.method.kind,
      ...(streaming &&
        s !== undefined && {
          streams: {
            calls: s.calls,
            messages: s.messages,
            messagesPerCall: s.calls === 0 ? 0 : Math.round((s.messages / s.calls) * 100) / 100,
            firstMessageMs: summarizeHistogram(s.firstMessage),
            firstMessageHistogram: encodeHistogram(s.firstMessage),
          },
        }),
    };
  });
  return { byCall };
}

const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

function streamRows(section: GrpcSection): string[][] {
  return Object.entries(section.byCall).flatMap(([name, call]) =>
    call.streams === undefined
      ? []
      : [
          [
            name,
            call.method,
            String(call.streams.calls),
            String(call.streams.messagesPerCall),
            fmt(call.streams.firstMessageMs.p50),
            fmt(call.streams.firstMessageMs.p95),
            fmt(call.streams.firstMessageMs.p99),
          ],
        ],
  );
}

const HEAD = ['call', 'method', 'streams', 'msgs/call', 'first p50', 'first p95', 'first p99'];

function summary(result: RunResult, c: ChalkInstance): string | undefined {
  const rows = result.grpc === undefined ? [] : streamRows(result.grpc);
  if (rows.length === 0) return undefined;
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    ` ${cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')}`;
  return [c.bold('gRPC streams (time to first message in ms)'), line(HEAD), ...rows.map(line)].join('\n');
}

const LatencyShape = z.object({ p50: z.number(), p95: z.number(), p99: z.number() }).passthrough();

/** gRPC runs: the stream figures of streaming calls, beside the calls (the run's requests). */
export const grpcView: SectionView = {
  holds: (result) => result.grpc !== undefined,
  summary,
  tables: (result) => {
    const rows = result.grpc === undefined ? [] : streamRows(result.grpc);
    return rows.length === 0 ? [] : [{ title: 'gRPC streams (time to first message, ms)', head: HEAD, rows }];
  },
  mergeRefusal: 'a gRPC run',
  savedFields: {
    grpc: z
      .object({
        byCall: z.record(
          z.string(),
          z
            .object({
              method: z.string(),
              kind: z.string(),
              streams: z.object({ firstMessageMs: LatencyShape }).passthrough().optional(),
            })
            .passthrough(),
        ),
      })
      .optional(),
  },
};
