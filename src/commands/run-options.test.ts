import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { planScenario } from '../scenario/plan.js';
import { Scenario } from '../scenario/schema.js';
import { adHocScenario, applyFlags } from './run-options.js';

describe('applyFlags on a flow scenario', () => {
  const data = {
    services: { a: 'http://127.0.0.1:1' },
    flows: [
      {
        name: 'f',
        steps: [
          { service: 'a', headers: { x: '1' } },
          { service: 'a', method: 'POST' },
        ],
      },
    ],
  };

  it('adds --header to every step and --timeout to the target, leaving the file untouched', () => {
    const out = applyFlags(data, { header: ['Authorization: Bearer t'], timeout: '2s' }) as typeof data & {
      target: unknown;
      flows: { steps: { headers: Record<string, string> }[] }[];
    };
    expect(out.flows[0]?.steps.map((s) => s.headers)).toEqual([
      { x: '1', Authorization: 'Bearer t' },
      { Authorization: 'Bearer t' },
    ]);
    expect(out.target).toEqual({ timeout: '2s' });
    expect(data.flows[0]?.steps[1]).toEqual({ service: 'a', method: 'POST' });
  });

  it('refuses --method and --body, which a flow sets per step', () => {
    expect(() => applyFlags(data, { method: 'PUT' })).toThrow(InputError);
    expect(() => applyFlags(data, { body: '{}' })).toThrow(/--method and --body apply to requests/);
  });
});

describe('applyFlags on a WebSocket scenario', () => {
  it('adds --header to the target headers its sessions send on the upgrade', () => {
    const data = { target: { url: 'ws://127.0.0.1:1/chat', headers: { x: '1' } }, websocket: { steps: [] } };
    const out = applyFlags(data, { header: ['Authorization: Bearer t'] }) as { target: { headers: unknown } };
    expect(out.target.headers).toEqual({ x: '1', Authorization: 'Bearer t' });
    const adHoc = adHocScenario({ url: 'ws://127.0.0.1:1/chat', connections: '1', header: ['x-k: v'] }) as {
      target: { headers: unknown };
    };
    expect(adHoc.target.headers).toEqual({ 'x-k': 'v' });
    expect(data.target.headers).toEqual({ x: '1' });
  });
});

describe('applyFlags on load and SLOs', () => {
  const staged = {
    load: {
      stages: [
        { duration: '2s', rate: 100 },
        { duration: '6s', rate: 100 },
        { duration: '2s', rate: 0 },
      ],
    },
  };
  type Staged = typeof staged & { load: { duration?: string } };

  it('--duration scales the stages to the new total, keeping their shape', () => {
    const out = applyFlags(staged, { duration: '20s' }) as Staged;
    expect(out.load.stages.map((s) => s.duration)).toEqual(['4000ms', '12000ms', '4000ms']);
    expect(out.load.stages.map((s) => s.rate)).toEqual([100, 100, 0]);
    const odd = applyFlags(staged, { duration: '1s' }) as Staged;
    expect(odd.load.stages.map((s) => s.duration)).toEqual(['200ms', '600ms', '200ms']);
  });

  it('leaves a --duration it cannot read for validation to report', () => {
    const out = applyFlags(staged, { duration: 'forever' }) as Staged;
    expect(out.load.duration).toBe('forever');
    expect(out.load.stages[0]?.duration).toBe('2s');
  });

  it('--rate replaces the stages, and --duration then is the duration', () => {
    expect((applyFlags(staged, { rate: '5', duration: '3s' }) as Staged).load).toEqual({ rate: '5', duration: '3s' });
  });

  it('--no-default-slos is slos: [] when the file has none, and changes nothing when it has some', () => {
    expect((applyFlags({}, { defaultSlos: false }) as { slos: unknown }).slos).toEqual([]);
    expect((applyFlags({}, { defaultSlos: true }) as { slos?: unknown }).slos).toBeUndefined();
    expect((applyFlags({ slos: ['p95 < 1s'] }, { defaultSlos: false }) as { slos: unknown }).slos).toEqual([
      'p95 < 1s',
    ]);
  });

  it('an ad-hoc --url keeps its credentials for the plan to send as Basic auth', () => {
    const data = adHocScenario({ url: 'http://alice:pw@127.0.0.1:3000/x?y=1', rate: '1' }) as {
      target: { url: string };
      requests: { path: string }[];
    };
    expect(data.target.url).toBe('http://alice:pw@127.0.0.1:3000');
    expect(data.requests[0]?.path).toBe('/x?y=1');
  });
});

describe('ad hoc WebSocket runs (--url ws://... --message)', () => {
  it('closed model: one send step whose sessions run for the duration', () => {
    const s = adHocScenario({
      url: 'ws://127.0.0.1:8080/chat',
      message: 'hi {{seq}}',
      connections: '5',
      duration: '2s',
    });
    expect(s).toMatchObject({
      target: { url: 'ws://127.0.0.1:8080/chat' },
      load: { connections: '5', duration: '2s' },
      websocket: { duration: '2s', steps: [{ name: 'message', send: { text: 'hi {{seq}}' } }] },
    });
    expect(s).not.toHaveProperty('requests');
  });

  it('open model: each session is one round trip', () => {
    const s = adHocScenario({ url: 'wss://example.test/ws', message: 'x', rate: '10' }) as { websocket: unknown };
    expect(s.websocket).toEqual({ rounds: 1, steps: [{ name: 'message', send: { text: 'x' } }] });
  });

  it('--message replaces the send steps of a WebSocket scenario, and is refused for HTTP', () => {
    const file = { websocket: { steps: [{ send: { json: { a: 1 } } }, { pause: '1s' }] } };
    expect(applyFlags(file, { message: 'm' })).toMatchObject({
      websocket: { steps: [{ send: { text: 'm' } }, { pause: '1s' }] },
    });
    expect(() => adHocScenario({ url: 'http://127.0.0.1:1/', message: 'm', rate: '1' })).toThrow(/--message is for/);
  });
});

describe('an ad-hoc run', () => {
  it('names its request by method and path template, never with the query', () => {
    const data = adHocScenario({
      url: 'http://127.0.0.1:3000/users/42?access_token=SECRET1&page=2',
      method: 'delete',
      rate: '1',
    });
    const plan = planScenario(Scenario.parse(data));
    expect(plan.requests.map((r) => r.name)).toEqual(['DELETE /users/:id']);
    expect(JSON.stringify(plan.requests.map((r) => r.name))).not.toContain('SECRET1');
  });
});
