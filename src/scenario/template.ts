import { randomUUID } from 'node:crypto';
import { InputError } from '../errors.js';

/**
 * Request templating: `{{seq}}`, `{{uuid}}`, `{{randomInt A B}}`, `{{randomString N}}`, `{{timestamp}}`,
 * `{{row.COLUMN}}`, `{{vars.NAME}}`. Strings are parsed once at plan time into literal text and small
 * generator functions, so rendering on the hot path is a few calls and concatenations: no regex, no parsing.
 * (`${ENV_VAR}` is resolved earlier, when the scenario is loaded.)
 */

export interface TemplateContext {
  seq: number;
  row?: Readonly<Record<string, string>>;
  vars?: Readonly<Record<string, string>>;
}

export interface CompiledString {
  readonly isStatic: boolean;
  render(ctx: TemplateContext): string;
  /** whole string is one numeric-valued expression (seq, randomInt, timestamp) */
  readonly numeric: boolean;
}

export interface CompiledJson {
  readonly isStatic: boolean;
  /** Serialized JSON text. */
  render(ctx: TemplateContext): string;
}

/** Bad template syntax (plan time), or a row column / variable missing when rendering. */
export class TemplateError extends InputError {}

const KNOWN = 'seq, uuid, randomInt A B, randomString N, timestamp, row.COLUMN, vars.NAME';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Generated per request: a larger one measures the generator's memory and CPU, not the target. */
export const MAX_RANDOM_STRING = 1024 * 1024;

type Generator = (ctx: TemplateContext) => string;

interface Expression {
  readonly gen: Generator;
  /** Renders as an integer, so a JSON body may emit it as a number. */
  readonly numeric: boolean;
  readonly column?: string;
  readonly variable?: string;
}

/** Rendering plan: `head`, then each part's generated text followed by its literal `after`. */
interface Part {
  gen: Generator;
  after: string;
}

interface Parsed {
  head: string;
  parts: Part[];
  exprs: Expression[];
}

export function compileString(text: string): CompiledString {
  const { head, parts, exprs } = parseTemplate(text);
  const only = exprs.length === 1 && head === '' && parts[0]?.after === '' ? exprs[0] : undefined;
  if (parts.length === 0) return { isStatic: true, numeric: false, render: () => text };
  // A lone expression needs no concatenation: hand out its generator directly.
  if (only) return { isStatic: false, numeric: only.numeric, render: only.gen };
  return { isStatic: false, numeric: false, render: concatenate(head, parts) };
}

/**
 * Compiles a JSON body. String leaves are templates. A leaf that is exactly one numeric expression
 * ("{{seq}}", "{{randomInt 1 9}}", "{{timestamp}}") renders as a JSON number, not a JSON string, so
 * bodies can carry numeric ids; mixed with any other text it stays a string. Keys are never templated.
 * A body with no templates is serialized once and render returns that same string every time.
 */
export function compileJson(value: unknown): CompiledJson {
  const plan = new JsonPlan();
  emitJson(value, plan, '');
  if (plan.parts.length === 0) {
    const json = plan.head;
    return { isStatic: true, render: () => json };
  }
  return { isStatic: false, render: concatenate(plan.head, plan.parts) };
}

/** The row.COLUMN names a string references, in order of first use (so the loader can check the CSV). */
export function templateColumns(text: string): string[] {
  return unique(parseTemplate(text).exprs.map((e) => e.column));
}

/** The vars.NAME names a string references, in order of first use. */
export function templateVariables(text: string): string[] {
  return unique(parseTemplate(text).exprs.map((e) => e.variable));
}

function unique(names: (string | undefined)[]): string[] {
  return [...new Set(names.filter((n): n is string => n !== undefined))];
}

function concatenate(head: string, parts: readonly Part[]): Generator {
  return (ctx) => {
    let out = head;
    for (const part of parts) out += part.gen(ctx) + part.after;
    return out;
  };
}

function parseTemplate(text: string): Parsed {
  const parsed: Parsed = { head: '', parts: [], exprs: [] };
  const literal = (s: string): void => {
    const last = parsed.parts.at(-1);
    if (last) last.after = s;
    else parsed.head = s;
  };
  let pos = 0;
  for (let open = text.indexOf('{{'); open !== -1; open = text.indexOf('{{', pos)) {
    const close = text.indexOf('}}', open + 2);
    if (close === -1) throw new TemplateError(`unclosed "{{" in template ${JSON.stringify(text)}`);
    literal(text.slice(pos, open));
    const expr = parseExpression(text.slice(open + 2, close));
    parsed.exprs.push(expr);
    parsed.parts.push({ gen: expr.gen, after: '' });
    pos = close + 2;
  }
  literal(text.slice(pos));
  return parsed;
}

function parseExpression(inner: string): Expression {
  const expr = inner.trim();
  const source = `{{${expr}}}`;
  if (expr.startsWith('row.')) return lookupExpression('row', expr.slice(4).trim(), source);
  if (expr.startsWith('vars.')) return lookupExpression('vars', expr.slice(5).trim(), source);
  const [name, ...args] = expr.split(/\s+/);
  const noArgs = (): void => {
    if (args.length > 0) throw new TemplateError(`${name} takes no arguments: "${source}"`);
  };
  switch (name) {
    case 'seq':
      noArgs();
      return { gen: (ctx) => String(ctx.seq), numeric: true };
    case 'uuid':
      noArgs();
      return { gen: () => randomUUID(), numeric: false };
    case 'timestamp':
      noArgs();
      return { gen: () => String(Date.now()), numeric: true };
    case 'randomInt':
      return randomIntExpression(args, source);
    case 'randomString':
      return randomStringExpression(args, source);
    default:
      throw new TemplateError(`unknown template expression "${source}" (known: ${KNOWN})`);
  }
}

function parseInteger(word: string | undefined): number | undefined {
  if (word === undefined || !/^-?\d+$/.test(word)) return undefined;
  const n = Number(word);
  return Number.isSafeInteger(n) ? n : undefined;
}

function randomIntExpression(args: string[], source: string): Expression {
  const low = parseInteger(args[0]);
  const high = parseInteger(args[1]);
  if (args.length !== 2 || low === undefined || high === undefined || low > high) {
    throw new TemplateError(`randomInt needs two integers A <= B: "${source}"`);
  }
  const span = high - low + 1;
  // Beyond this, Math.random's 53 bits no longer reach every value, and the sum may not be exact.
  if (!Number.isSafeInteger(span)) {
    throw new TemplateError(`randomInt range is too wide (B - A must be below 2^53): "${source}"`);
  }
  // Math.random, not crypto: load data needs spread, not secrecy, and this runs per request.
  return { gen: () => String(low + Math.floor(Math.random() * span)), numeric: true };
}

function randomStringExpression(args: string[], source: string): Expression {
  const length = parseInteger(args[0]);
  if (args.length !== 1 || length === undefined || length < 1) {
    throw new TemplateError(`randomString needs one positive integer N: "${source}"`);
  }
  if (length > MAX_RANDOM_STRING) {
    throw new TemplateError(`randomString ${length} is above the limit of ${MAX_RANDOM_STRING} (1 MiB): "${source}"`);
  }
  const gen = (): string => {
    let out = '';
    for (let i = 0; i < length; i++) out += ALPHANUMERIC.charAt(Math.floor(Math.random() * ALPHANUMERIC.length));
    return out;
  };
  return { gen, numeric: false };
}

// Missing values throw rather than render "": a silent empty id would make every request wrong yet "succeed".
function lookupExpression(scope: 'row' | 'vars', name: string, source: string): Expression {
  const kind = scope === 'row' ? 'column' : 'variable';
  if (name === '') throw new TemplateError(`${scope}. needs a ${kind} name: "${source}"`);
  const missing = scope === 'row' ? `the data row has no column "${name}"` : `variable "${name}" is not set`;
  const gen: Generator = (ctx) => {
    const value = ctx[scope]?.[name];
    // typeof, not `in`: a name like an Object.prototype member ("toString") must not render a function.
    if (typeof value !== 'string') throw new TemplateError(`${source}: ${missing}`);
    return value;
  };
  return scope === 'row' ? { gen, numeric: false, column: name } : { gen, numeric: false, variable: name };
}

/** Accumulates JSON text, merging adjacent literal pieces so render does one concatenation per leaf. */
class JsonPlan {
  head = '';
  readonly parts: Part[] = [];

  text(s: string): void {
    const last = this.parts.at(-1);
    if (last) last.after += s;
    else this.head += s;
  }

  gen(gen: Generator): void {
    this.parts.push({ gen, after: '' });
  }
}

/** Values JSON.stringify drops from objects and turns into null inside arrays. */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function emitJson(value: unknown, plan: JsonPlan, path: string): void {
  if (typeof value === 'string') emitString(value, plan, path);
  else if (Array.isArray(value)) emitArray(value, plan, path);
  else if (isPlainObject(value)) emitObject(value, plan, path);
  // Numbers, booleans, null, and objects with toJSON (dates): exactly what JSON.stringify makes of them.
  else plan.text(JSON.stringify(value) ?? 'null');
}

function emitString(value: string, plan: JsonPlan, path: string): void {
  let compiled: CompiledString;
  try {
    compiled = compileString(value);
  } catch (err) {
    if (err instanceof TemplateError && path !== '') throw new TemplateError(`${path}: ${err.message}`);
    throw err;
  }
  if (compiled.isStatic) plan.text(JSON.stringify(value));
  else if (compiled.numeric) plan.gen(compiled.render);
  // Rendered text may hold quotes or newlines (CSV data, captured values): escape it per request.
  else plan.gen((ctx) => JSON.stringify(compiled.render(ctx)));
}

function emitArray(items: readonly unknown[], plan: JsonPlan, path: string): void {
  plan.text('[');
  items.forEach((item, i) => {
    if (i > 0) plan.text(',');
    if (isOmitted(item)) plan.text('null');
    else emitJson(item, plan, `${path}[${i}]`);
  });
  plan.text(']');
}

function emitObject(object: Record<string, unknown>, plan: JsonPlan, path: string): void {
  plan.text('{');
  let first = true;
  for (const [key, item] of Object.entries(object)) {
    if (isOmitted(item)) continue;
    plan.text(`${first ? '' : ','}${JSON.stringify(key)}:`);
    emitJson(item, plan, path === '' ? key : `${path}.${key}`);
    first = false;
  }
  plan.text('}');
}
