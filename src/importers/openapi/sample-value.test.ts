import { describe, expect, it } from 'vitest';
import { compileString } from '../../scenario/template.js';
import { parameterValue, sampleNumber, sampleString, sampleValue } from './sample-value.js';

const notes = (): { notes: string[] } => ({ notes: [] });

describe('sampleValue', () => {
  it('prefers the documented value: example, examples[0], default, const, enum[0]', () => {
    expect(sampleValue({ type: 'string', example: 'ex', default: 'd' }, notes())).toBe('ex');
    expect(sampleValue({ type: 'string', examples: ['first', 'second'] }, notes())).toBe('first');
    expect(sampleValue({ type: 'integer', default: 7 }, notes())).toBe(7);
    expect(sampleValue({ const: 'EUR' }, notes())).toBe('EUR');
    expect(sampleValue({ type: 'string', enum: [null, 'b', 'c'] }, notes())).toBe('b');
  });

  it('generates templates for formats and numbers within their bounds', () => {
    expect(sampleValue({ type: 'string', format: 'uuid' }, notes())).toBe('{{uuid}}');
    expect(sampleValue({ type: 'string', format: 'email' }, notes())).toBe('user-{{seq}}@example.test');
    expect(sampleValue({ type: 'integer', minimum: 5, maximum: 9 }, notes())).toBe('{{randomInt 5 9}}');
    expect(sampleNumber({ type: 'integer', minimum: 0, exclusiveMinimum: true, maximum: 10 })).toBe(
      '{{randomInt 1 10}}',
    );
    expect(sampleNumber({ type: 'integer', exclusiveMinimum: -100, exclusiveMaximum: 100 })).toBe(
      '{{randomInt -99 99}}',
    );
    expect(sampleNumber({ type: 'number', minimum: 3, maximum: 3 })).toBe('{{randomInt 3 3}}');
  });

  it('keeps strings within minLength and maxLength', () => {
    expect(sampleString({ type: 'string', minLength: 12 }, notes())).toBe('{{randomString 12}}');
    expect(sampleString({ type: 'string', maxLength: 3 }, notes())).toBe('{{randomString 3}}');
    expect(sampleString({ type: 'string', maxLength: 0 }, notes())).toBe('');
  });

  it('produces a literal matching a pattern, or says it could not', () => {
    for (let i = 0; i < 20; i++) {
      const value = sampleString({ type: 'string', pattern: '^[A-Z]{3}-[0-9]{4}$' }, notes());
      expect(value).toMatch(/^[A-Z]{3}-[0-9]{4}$/);
    }
    const out = notes();
    sampleString({ type: 'string', pattern: '^a{5}$', maxLength: 2 }, out);
    expect(out.notes).toEqual(['pattern ^a{5}$ could not be satisfied; a random string is sent']);
  });

  it('merges allOf, takes the first oneOf variant, leaves readOnly properties out', () => {
    const out = notes();
    const value = sampleValue(
      {
        allOf: [
          { type: 'object', properties: { name: { type: 'string', example: 'Rex' } } },
          {
            type: 'object',
            properties: { id: { type: 'integer', readOnly: true }, age: { type: 'integer', minimum: 1, maximum: 20 } },
          },
        ],
        oneOf: [{ properties: { kind: { enum: ['cat'] } } }, { properties: { kind: { enum: ['dog'] } } }],
      },
      out,
    );
    expect(value).toEqual({ name: 'Rex', age: '{{randomInt 1 20}}', kind: 'cat' });
    expect(out.notes).toEqual(['oneOf: used the first of 2 variants']);
  });

  it('3.1 type arrays pick the non-null type; arrays get one item', () => {
    expect(sampleValue({ type: ['null', 'string'], maxLength: 4 }, notes())).toBe('{{randomString 4}}');
    expect(sampleValue({ type: 'array', items: { type: 'boolean' } }, notes())).toEqual([true]);
  });

  it('a recursive schema (left as $ref by dereferencing) is expanded once per branch', () => {
    const node = {
      type: 'object',
      required: ['name', 'parent'],
      properties: {
        name: { type: 'string', example: 'n' },
        parent: { $ref: '#/components/schemas/Node' },
        children: { type: 'array', items: { $ref: '#/components/schemas/Node' } },
        next: { $ref: '#/components/schemas/Node' },
      },
    };
    const out = { notes: [] as string[], resolveRef: (ref: string) => (ref.endsWith('/Node') ? node : undefined) };
    const once = { name: 'n', parent: null, children: [] };
    expect(sampleValue(node, out)).toEqual({ name: 'n', parent: once, children: [once], next: once });
    expect(new Set(out.notes)).toEqual(new Set(['recursive schema #/components/schemas/Node is expanded once']));
    const unresolved = notes();
    expect(sampleValue({ type: 'object', properties: { p: { $ref: '#/x' } } }, unresolved)).toEqual({});
  });

  it('every generated template compiles with the scenario template engine', () => {
    const schemas = [
      { format: 'uuid' },
      { type: 'integer' },
      { minLength: 30 },
      { format: 'email' },
      { format: 'uri' },
    ];
    for (const s of schemas)
      expect(() => compileString(parameterValue({ type: 'string', ...s }, notes()))).not.toThrow();
  });

  it('array parameters are sent comma-separated', () => {
    expect(parameterValue({ type: 'array', items: { type: 'string' }, example: ['a', 'b'] }, notes())).toBe('a,b');
  });
});
