import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import {
  type TemplateContext,
  TemplateError,
  compileJson,
  compileString,
  templateColumns,
  templateVariables,
} from './template.js';

const ctx: TemplateContext = { seq: 7, row: { email: 'a@b.c', 'user id': 'u1' }, vars: { token: 'abc' } };
const render = (text: string, c: TemplateContext = ctx): string => compileString(text).render(c);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('compileString', () => {
  it('renders a string without templates to itself, marked static', () => {
    const text = '/users?page=1';
    const compiled = compileString(text);
    expect(compiled.isStatic).toBe(true);
    expect(compiled.numeric).toBe(false);
    expect(compiled.render(ctx)).toBe(text);
  });

  it('takes seq from the context', () => {
    const compiled = compileString('{{seq}}');
    expect(compiled.render({ seq: 0 })).toBe('0');
    expect(compiled.render({ seq: 41 })).toBe('41');
  });

  it('renders each expression', () => {
    expect(render('{{uuid}}')).toMatch(UUID_V4);
    expect(render('{{randomString 12}}')).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(render('{{row.email}}')).toBe('a@b.c');
    expect(render('{{vars.token}}')).toBe('abc');
    const before = Date.now();
    const ts = Number(render('{{timestamp}}'));
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Date.now());
  });

  it('allows whitespace inside the braces', () => {
    expect(render('{{ seq }}')).toBe('7');
    expect(render('{{  randomInt   3 3 }}')).toBe('3');
    expect(render('{{ row.user id }}')).toBe('u1');
    expect(render('{{\tvars.token\t}}')).toBe('abc');
  });

  it('keeps literal text around and between expressions', () => {
    const text = '/users/{{seq}}/orders?by={{row.email}}&t={{vars.token}}!';
    expect(render(text)).toBe('/users/7/orders?by=a@b.c&t=abc!');
    expect(render('{{seq}}{{seq}}')).toBe('77');
    expect(render('id-{{uuid}}')).toMatch(/^id-[0-9a-f-]{36}$/);
  });

  it('marks only a lone numeric expression as numeric', () => {
    expect(compileString('{{seq}}').numeric).toBe(true);
    expect(compileString('{{ randomInt 1 9 }}').numeric).toBe(true);
    expect(compileString('{{timestamp}}').numeric).toBe(true);
    expect(compileString('{{uuid}}').numeric).toBe(false);
    expect(compileString('{{row.email}}').numeric).toBe(false);
    expect(compileString('n{{seq}}').numeric).toBe(false);
    expect(compileString('{{seq}} ').numeric).toBe(false);
    expect(compileString('{{seq}}').isStatic).toBe(false);
  });

  it('draws randomInt within [A, B], hitting both ends', () => {
    const compiled = compileString('{{randomInt -2 3}}');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const n = Number(compiled.render(ctx));
      expect(Number.isInteger(n)).toBe(true);
      expect(n).toBeGreaterThanOrEqual(-2);
      expect(n).toBeLessThanOrEqual(3);
      seen.add(n);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
  });

  it('gives a fresh uuid per render', () => {
    const compiled = compileString('{{uuid}}');
    expect(compiled.render(ctx)).not.toBe(compiled.render(ctx));
  });

  it('rejects unknown expressions, listing the known ones', () => {
    const known = 'seq, uuid, randomInt A B, randomString N, timestamp, row.COLUMN, vars.NAME';
    expect(() => compileString('/x/{{sequ}}')).toThrow(`unknown template expression "{{sequ}}" (known: ${known})`);
    expect(() => compileString('{{}}')).toThrow('unknown template expression "{{}}"');
    expect(() => compileString('{{sequ}}')).toThrow(TemplateError);
    expect(() => compileString('{{sequ}}')).toThrow(InputError);
  });

  it('rejects bad arguments', () => {
    for (const bad of ['{{randomInt 5}}', '{{randomInt 9 1}}', '{{randomInt a b}}', '{{randomInt 1.5 3}}']) {
      expect(() => compileString(bad)).toThrow('randomInt needs two integers A <= B');
    }
    for (const bad of ['{{randomString}}', '{{randomString 0}}', '{{randomString 2 3}}']) {
      expect(() => compileString(bad)).toThrow('randomString needs one positive integer N');
    }
    expect(() => compileString('{{randomString 1048577}}')).toThrow('randomString 1048577 is above the limit');
    expect(compileString('{{randomString 1048576}}').render({ seq: 0 })).toHaveLength(1048576);
    expect(() => compileString('{{randomInt -9007199254740991 9007199254740991}}')).toThrow('range is too wide');
    expect(() => compileString('{{seq 1}}')).toThrow('seq takes no arguments');
    expect(() => compileString('{{row.}}')).toThrow('row. needs a column name');
    expect(() => compileString('{{vars. }}')).toThrow('vars. needs a variable name');
    expect(() => compileString('/x/{{seq')).toThrow('unclosed "{{"');
  });

  it('throws at render when a row column or variable is missing', () => {
    expect(() => render('{{row.phone}}')).toThrow('the data row has no column "phone"');
    expect(() => render('{{row.email}}', { seq: 0 })).toThrow('no column "email"');
    expect(() => render('{{vars.session}}')).toThrow('variable "session" is not set');
    expect(() => render('{{row.toString}}')).toThrow('no column "toString"');
  });
});

describe('templateColumns / templateVariables', () => {
  it('lists each referenced name once, in order of use', () => {
    const text = '{{row.b}}-{{ row.a }}-{{row.b}}-{{vars.x}}-{{seq}}-{{vars.y}}-{{vars.x}}';
    expect(templateColumns(text)).toEqual(['b', 'a']);
    expect(templateVariables(text)).toEqual(['x', 'y']);
    expect(templateColumns('static')).toEqual([]);
  });

  it('rejects bad templates like compileString', () => {
    expect(() => templateColumns('{{nope}}')).toThrow('unknown template expression "{{nope}}"');
  });
});

describe('compileJson', () => {
  it('serializes a static body once and returns that same string', () => {
    const body = { name: 'x', n: 1, ok: true, none: null, list: [1, 'two', { three: 3 }] };
    const compiled = compileJson(body);
    expect(compiled.isStatic).toBe(true);
    const first = compiled.render(ctx);
    expect(first).toBe(JSON.stringify(body));
    expect(compiled.render({ seq: 99 })).toBe(first);
  });

  it('renders templates in nested objects and arrays', () => {
    const compiled = compileJson({ user: { email: '{{row.email}}', tags: ['a', '{{vars.token}}'] }, n: 2 });
    expect(compiled.isStatic).toBe(false);
    expect(JSON.parse(compiled.render(ctx))).toEqual({ user: { email: 'a@b.c', tags: ['a', 'abc'] }, n: 2 });
  });

  it('renders a lone numeric expression as a JSON number, mixed text as a string', () => {
    const compiled = compileJson({ id: '{{seq}}', qty: '{{randomInt 4 4}}', at: '{{timestamp}}', ref: 'o-{{seq}}' });
    const out = JSON.parse(compiled.render(ctx)) as Record<string, unknown>;
    expect(out.id).toBe(7);
    expect(out.qty).toBe(4);
    expect(typeof out.at).toBe('number');
    expect(out.ref).toBe('o-7');
    expect(JSON.parse(compileJson(['{{seq}}', '{{ seq }}!']).render(ctx))).toEqual([7, '7!']);
  });

  it('escapes rendered values so the body stays valid JSON', () => {
    const compiled = compileJson({ note: '{{row.note}}' });
    const note = 'say "hi"\n\\ ok';
    expect(JSON.parse(compiled.render({ seq: 0, row: { note } }))).toEqual({ note });
  });

  it('renders a templated top-level string and omits undefined like JSON.stringify', () => {
    expect(compileJson('{{seq}}').render(ctx)).toBe('7');
    expect(compileJson('#{{seq}}').render(ctx)).toBe('"#7"');
    const body = { a: undefined, b: '{{seq}}', c: [undefined] };
    expect(compileJson(body).render(ctx)).toBe('{"b":7,"c":[null]}');
  });

  it('names the JSON path of a bad template', () => {
    expect(() => compileJson({ items: [{ id: '{{sequ}}' }] })).toThrow('items[0].id: unknown template expression');
  });
});
