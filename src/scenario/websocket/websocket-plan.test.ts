import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { planScenario } from '../plan.js';
import { Scenario } from '../schema.js';
import { sessionLengthMs } from './websocket-plan.js';

const plan = (data: unknown) => planScenario(Scenario.parse(data));

describe('planning WebSocket sessions', () => {
  it('names send steps as scopes (send-N by default), keeps pauses, and takes the target timeout', () => {
    const p = plan({
      target: { url: 'ws://127.0.0.1:1/chat', timeout: '3s', headers: { 'x-token': 't' } },
      load: { connections: 2, duration: '1s' },
      websocket: {
        subprotocols: ['chat'],
        steps: [
          { send: { text: 'a {{seq}}' } },
          { pause: '50ms' },
          { name: 'ask', send: { json: { q: '{{seq}}' } }, expect: { jsonPath: '$.a', exists: true }, timeout: '1s' },
        ],
      },
    });
    const ws = p.websocket;
    expect(p.requests).toEqual([]);
    expect(ws?.scopes).toEqual(['send-1', 'ask']);
    expect(ws?.url).toBe('ws://127.0.0.1:1/chat');
    expect(ws?.headers).toEqual({ 'x-token': 't' });
    expect(ws?.subprotocols).toEqual(['chat']);
    expect(ws?.rounds).toBe(1);
    expect(ws?.steps.map((s) => (s.kind === 'send' ? [s.name, s.scope, s.timeoutMs] : s.pauseMs))).toEqual([
      ['send-1', 0, 3000],
      50,
      ['ask', 1, 1000],
    ]);
    const ask = ws?.steps[2];
    expect(ask?.kind === 'send' && ask.message.render({ seq: 7 })).toBe('{"q":7}');
    expect(ask?.kind === 'send' && ask.checks[0]?.jsonPath?.first({ a: 1 })).toBe(1);
    // The longest a session can run: connect timeout, then each step's timeout or pause.
    expect(sessionLengthMs(ws!)).toBe(3000 + 3000 + 50 + 1000);
  });

  it('SLOs address send steps as request or step scopes; an unknown one is a problem', () => {
    const base = {
      target: 'ws://127.0.0.1:1/',
      load: { rate: 1, duration: '1s' },
      websocket: { duration: '5s', steps: [{ name: 'hi', send: { text: 'x' } }] },
    };
    expect(plan({ ...base, slos: ['hi: p95 < 10ms', 'step:hi p50 < 5ms'] }).slos).toHaveLength(2);
    expect(() => plan({ ...base, slos: ['nope: p95 < 10ms'] })).toThrow(InputError);
  });

  it('reports duplicate step names, an http target and a bad template together', () => {
    const run = (): unknown =>
      plan({
        target: 'ws://127.0.0.1:1/',
        load: { rate: 1, duration: '1s' },
        websocket: {
          steps: [
            { name: 'a', send: { text: '{{bogus}}' } },
            { name: 'a', send: { text: 'x' } },
          ],
        },
      });
    expect(run).toThrow(/websocket\.steps\[0\]\.send\.text: .*; websocket\.steps\[1\]\.name: "a" is used twice/);
  });

  it('the schema wants a WebSocket target with websocket:, and nothing else beside it', () => {
    const bad = Scenario.safeParse({
      target: 'http://127.0.0.1:1',
      load: { rate: 1, duration: '1s' },
      websocket: { steps: [{ send: { text: 'x' } }] },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['target', 'websocket sessions need a ws:// or wss:// URL, or demo: websocket'],
    ]);
    const both = Scenario.safeParse({
      target: 'ws://127.0.0.1:1',
      load: { rate: 1, duration: '1s' },
      requests: [{}],
      websocket: { steps: [{ send: { text: 'x' } }] },
    });
    expect(both.error?.issues.map((i) => i.path.join('.'))).toContain('requests');
  });
});
