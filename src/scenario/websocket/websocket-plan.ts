import type { CheckPlan } from '../check-plan.js';
import { compileJsonPath } from '../json-path.js';
import { redactUrl } from '../redact.js';
import { type CompiledJson, type CompiledString, compileJson, compileString } from '../template.js';
import type { WebSocketConfig } from './websocket-schema.js';

/**
 * Plans WebSocket sessions: templates and reply checks are compiled once, each send step becomes a scope (its
 * round trips are the run's requests, so SLOs, compare and capacity read them unchanged), and every problem is
 * reported at its field.
 */

export interface WsSendStepPlan {
  readonly kind: 'send';
  /** The scope name: the step's name, or send-N (N counts send steps from 1). */
  readonly name: string;
  readonly scope: number;
  readonly message: CompiledString | CompiledJson;
  /** Checks on the reply; none: the next message is the reply. */
  readonly checks: readonly CheckPlan[];
  readonly timeoutMs: number;
}

export interface WsPauseStepPlan {
  readonly kind: 'pause';
  readonly pauseMs: number;
}

export type WsStepPlan = WsSendStepPlan | WsPauseStepPlan;

export interface WebSocketPlan {
  /** The ws:// or wss:// URL; undefined when the websocket demo provides it. */
  readonly url: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly subprotocols: readonly string[];
  readonly steps: readonly WsStepPlan[];
  /** Scope names, by scope index (the send steps). */
  readonly scopes: readonly string[];
  /** Rounds of the steps per session, or undefined with a duration. */
  readonly rounds: number | undefined;
  readonly durationMs: number | undefined;
  readonly connectTimeoutMs: number;
}

type FieldPath = readonly (string | number)[];
export interface WsPlanProblems {
  add(path: FieldPath, message: string): void;
}

/** A ws:// or wss:// URL we can connect to, or why not. */
export function checkWebSocketUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `not a valid URL: ${redactUrl(url)} (expected e.g. ws://127.0.0.1:8080/chat)`;
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    return `unsupported URL scheme ${parsed.protocol} in ${redactUrl(url)} (use ws:// or wss://)`;
  }
  return undefined;
}

type Expect = NonNullable<Extract<WebSocketConfig['steps'][number], { send: unknown }>['expect']>;

function replyChecks(expect: Expect | undefined, at: FieldPath, problems: WsPlanProblems): CheckPlan[] {
  if (expect === undefined) return [];
  const { jsonPath, ...rest } = expect;
  if (jsonPath === undefined) return [{ ...rest }];
  try {
    return [{ ...rest, jsonPath: compileJsonPath(jsonPath) }];
  } catch (err) {
    problems.add([...at, 'expect', 'jsonPath'], (err as Error).message);
    return [];
  }
}

function compileMessage(send: { text: string } | { json?: unknown }, at: FieldPath, problems: WsPlanProblems) {
  try {
    return 'text' in send ? compileString(send.text) : compileJson(send.json);
  } catch (err) {
    problems.add([...at, 'send', 'text' in send ? 'text' : 'json'], (err as Error).message);
    return compileString('');
  }
}

function planSteps(config: WebSocketConfig, timeoutMs: number, problems: WsPlanProblems): WsStepPlan[] {
  const seen = new Set<string>();
  let sends = 0;
  return config.steps.map((step, i): WsStepPlan => {
    const at = ['websocket', 'steps', i];
    if ('pause' in step) return { kind: 'pause', pauseMs: step.pause };
    const scope = sends++;
    const name = step.name ?? `send-${scope + 1}`;
    if (seen.has(name)) problems.add([...at, 'name'], `"${name}" is used twice; step names must be unique`);
    seen.add(name);
    return {
      kind: 'send',
      name,
      scope,
      message: compileMessage(step.send as { text: string } | { json?: unknown }, at, problems),
      checks: replyChecks(step.expect, at, problems),
      timeoutMs: step.timeout ?? timeoutMs,
    };
  });
}

/** The WebSocket part of the plan; `url` is the target's (undefined for the demo). */
export function planWebSocket(
  config: WebSocketConfig | undefined,
  target: { url: string | undefined; headers: Readonly<Record<string, string>>; timeoutMs: number },
  problems: WsPlanProblems,
): WebSocketPlan | undefined {
  if (config === undefined) return undefined;
  if (target.url !== undefined) {
    const bad = checkWebSocketUrl(target.url);
    if (bad !== undefined) problems.add(['target'], bad);
  }
  const steps = planSteps(config, target.timeoutMs, problems);
  const rounds = config.duration === undefined ? (config.rounds ?? 1) : undefined;
  return {
    url: target.url,
    headers: target.headers,
    subprotocols: config.subprotocols ?? [],
    steps,
    scopes: steps.flatMap((s) => (s.kind === 'send' ? [s.name] : [])),
    rounds,
    durationMs: config.duration,
    connectTimeoutMs: target.timeoutMs,
  };
}

/** What `validate` says a WebSocket plan runs. */
export function describeWebSocket(plan: WebSocketPlan): string {
  const length = plan.durationMs === undefined ? `${plan.rounds ?? 1} rounds` : `${plan.durationMs / 1000}s`;
  const n = plan.scopes.length;
  return `WebSocket sessions of ${n} send step${n === 1 ? '' : 's'} (${length} each)`;
}

/** The longest a session may still run once started: how long the end of a run waits for sessions (≤ 30 s). */
export function sessionLengthMs(plan: WebSocketPlan): number {
  const roundMs = plan.steps.reduce((sum, s) => sum + (s.kind === 'pause' ? s.pauseMs : s.timeoutMs), 0);
  const body = plan.durationMs ?? roundMs * (plan.rounds ?? 1);
  return Math.min(30_000, plan.connectTimeoutMs + body);
}
