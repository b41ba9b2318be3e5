import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { Histogram } from '../../metrics/histogram.js';
import { WsRecorder, WsTotals } from '../../metrics/ws-recorder.js';
import { liveWebSocket } from './live.js';
import { webSocketSection } from './section.js';
import { formatWebSocket } from './summary.js';

function recorded(): { recorder: WsRecorder; totals: WsTotals } {
  const totals = new WsTotals();
  const recorder = new WsRecorder(['say-hi'], totals);
  recorder.sessionStarted(2);
  recorder.sessionStarted(4);
  recorder.sessionFailed('connect_refused');
  recorder.messages(3, 0);
  recorder.messages(0, 2);
  recorder.request(0, 5, undefined);
  recorder.closed(1000, false);
  recorder.closed(1011, true);
  recorder.closed(1011, true);
  return { recorder, totals };
}

describe('the WebSocket section', () => {
  it('each second emits sessions, messages, connect times and close codes under catalogue names', () => {
    const { recorder } = recorded();
    const counts: [string, Record<string, string>, number][] = [];
    let connects = 0;
    recorder.flush(1000, (interval) => {
      expect(interval.total.requests).toBe(1);
      liveWebSocket(recorder.live())?.emit({
        count: (metric, labels, n) => counts.push([metric, { ...labels }, n]),
        gauge: () => undefined,
        latency: (_metric, _labels, h: Histogram) => (connects += h.totalCount),
      });
    });
    expect(counts).toEqual([
      ['wsSessions', { outcome: 'opened' }, 2],
      ['wsSessions', { outcome: 'failed' }, 1],
      ['wsMessagesSent', {}, 3],
      ['wsMessagesReceived', {}, 2],
      ['wsCloses', { code: '1000', by: 'client' }, 1],
      ['wsCloses', { code: '1011', by: 'server' }, 2],
    ]);
    expect(connects).toBe(2);
    // Once flushed, the interval starts empty and the run's totals hold it.
    expect(recorder.live()).toBeUndefined();
  });

  it('sums the run into the result section, and the terminal block says who closed', () => {
    const { recorder, totals } = recorded();
    recorder.flush(1000, () => undefined);
    recorder.messages(1, 1);
    recorder.flush(2000, () => undefined);
    const section = webSocketSection(totals, 2000);
    expect(section.sessions).toEqual({ started: 2, failed: 1 });
    expect(section.messages).toEqual({ sent: 4, received: 3, sentPerSecond: 2, receivedPerSecond: 1.5 });
    expect(section.closes).toEqual({ '1000': { byServer: 0, byClient: 1 }, '1011': { byServer: 2, byClient: 0 } });
    expect(section.connectMs.max).toBeCloseTo(4, 1);
    const text = formatWebSocket(section, new Chalk({ level: 0 })) ?? '';
    expect(text).toMatch(/sessions\s+2 opened, 1 failed to open/);
    expect(text).toMatch(/closed 1011\s+2 by the server, 0 by us/);
  });
});
