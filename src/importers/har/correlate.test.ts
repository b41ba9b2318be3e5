import { describe, expect, it } from 'vitest';
import { correlate } from './correlate.js';
import type { DraftStep, RecordedResponse } from './draft-step.js';
import { isDistinctive } from './correlation-values.js';

function step(name: string, fields: Partial<DraftStep> = {}): DraftStep {
  return {
    name,
    service: 'api',
    method: 'GET',
    segments: [],
    pathTemplate: undefined,
    query: [],
    headers: {},
    json: undefined,
    body: undefined,
    status: 200,
    capture: {},
    notes: [],
    ...fields,
  };
}
const response = (json: unknown, headers: Record<string, string> = {}): RecordedResponse => ({
  json,
  headers: Object.entries(headers).map(([name, value]) => ({ name, value })),
});

describe('correlate', () => {
  it('captures a created id and uses it in a later path, query value and JSON field', () => {
    const steps = [
      step('create-user', { method: 'POST', segments: ['users'], json: { name: 'ada' } }),
      step('get-user', { segments: ['users', '1042'] }),
      step('search', { segments: ['orders'], query: [['owner', '1042']] }),
      step('order', { method: 'POST', segments: ['orders'], json: { userId: 1042, note: 'x' } }),
    ];
    const found = correlate(steps, [response({ id: 1042, name: 'ada' }), response({}), response([]), response({})]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ variable: 'userId', from: 'create-user', source: { jsonPath: '$.id' } });
    expect(found[0]?.uses).toEqual(['get-user path', 'search query owner', 'order json $.userId']);
    expect(steps[0]?.capture).toEqual({ userId: { jsonPath: '$.id' } });
    expect(steps[1]?.segments).toEqual(['users', '{{vars.userId}}']);
    expect(steps[2]?.query).toEqual([['owner', '{{vars.userId}}']]);
    expect(steps[3]?.json).toEqual({ userId: '{{vars.userId}}', note: 'x' });
    expect(steps[3]?.notes).toEqual(['$.userId was a number and is now sent as a string']);
  });

  it('captures header values (CSRF token) and bearer tokens from a body', () => {
    const steps = [
      step('login', { method: 'POST', json: { user: 'ada' } }),
      step('csrf', { headers: { authorization: 'Bearer tok-123456789' } }),
      step('buy', {
        method: 'POST',
        headers: { 'x-csrf-token': 'csrf-77aa88bb', authorization: 'Bearer tok-123456789' },
      }),
    ];
    const found = correlate(steps, [
      response({ token: 'tok-123456789' }),
      response({}, { 'x-csrf-token': 'csrf-77aa88bb', date: 'Mon, 01 Jan 2024 00:00:00 GMT' }),
      response({}),
    ]);
    expect(found.map((c) => c.variable)).toEqual(['token', 'x-csrf-token']);
    expect(steps[1]?.capture).toEqual({ 'x-csrf-token': { header: 'x-csrf-token' } });
    expect(steps[2]?.headers).toEqual({
      'x-csrf-token': '{{vars.x-csrf-token}}',
      authorization: 'Bearer {{vars.token}}',
    });
  });

  it('never takes a value the client sent earlier (echoed input, paging) for a server-issued one', () => {
    const steps = [
      step('list', { query: [['limit', '25']] }),
      step('create', { method: 'POST', json: { email: 'ada-1999@example.test' } }),
      step('next', { query: [['limit', '25']], json: { email: 'ada-1999@example.test' } }),
    ];
    const found = correlate(steps, [
      response({ limit: 25 }),
      response({ email: 'ada-1999@example.test' }),
      response({}),
    ]);
    expect(found).toEqual([]);
    expect(steps[2]?.query).toEqual([['limit', '25']]);
  });

  it('the latest response wins, and nested ids are named after their parent', () => {
    const steps = [
      step('a', { segments: ['carts'] }),
      step('b', { segments: ['carts'] }),
      step('c', { segments: ['x', '5551'] }),
    ];
    const found = correlate(steps, [
      response({ owner: { id: 5551 } }),
      response({ owner: { id: 5551 } }),
      response({}),
    ]);
    expect(found).toEqual([
      { variable: 'ownerId', from: 'b', source: { jsonPath: '$.owner.id' }, value: '5551', uses: ['c path'] },
    ]);
  });

  it('a Location header sent back as the whole next path is captured as a header', () => {
    const steps = [
      step('create', { method: 'POST', segments: ['jobs'] }),
      step('poll', { segments: ['jobs', 'q', 'j-88231'] }),
    ];
    const found = correlate(steps, [response({ queued: true }, { location: '/jobs/q/j-88231' }), response({})]);
    expect(found.map((c) => [c.variable, c.source, c.uses])).toEqual([
      ['location', { header: 'location' }, ['poll path']],
    ]);
    expect(steps[1]?.pathTemplate).toBe('{{vars.location}}');
  });

  it('captures are RFC 9535 JSONPath: array indices in brackets, odd keys quoted', () => {
    const steps = [
      step('list', { segments: ['carts'] }),
      step('open', { segments: ['carts', 'c-77120'] }),
      step('t', { headers: { 'x-t': 'trace-0000000001' } }),
    ];
    const found = correlate(steps, [
      response({ items: [{ id: 'c-11111' }, { id: 'c-77120' }], 'x-meta': { trace: 'trace-0000000001' } }),
      response({}),
      response({}),
    ]);
    expect(found.map((c) => c.source)).toEqual([{ jsonPath: '$.items[1].id' }, { jsonPath: "$['x-meta'].trace" }]);
  });

  it('only distinctive values are candidates', () => {
    expect(['42', '1042', 'ord_7f3k9', 'abcdefghijklmnop'].map(isDistinctive)).toEqual([true, true, true, true]);
    expect(['7', 'true', 'active', 'ab1'].map(isDistinctive)).toEqual([false, false, false, false]);
  });
});
