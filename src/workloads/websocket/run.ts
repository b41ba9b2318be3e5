import { checkTargetReachable } from '../../engines/flow/reachability.js';
import { runChecks } from '../../engines/http/checks.js';
import { runWebSocketLoad } from '../../engines/websocket/ws-load.js';
import type { WsSessionPlan, WsStep, WsTls } from '../../engines/websocket/ws-session.js';
import { RunAggregator } from '../../metrics/run-aggregator.js';
import { WsRecorder, WsTotals } from '../../metrics/ws-recorder.js';
import type { ExecutionPlan } from '../../scenario/plan.js';
import { redactUrl } from '../../scenario/redact.js';
import { sessionLengthMs, type WebSocketPlan, type WsStepPlan } from '../../scenario/websocket/websocket-plan.js';
import { type RunningDemo, startDemo } from '../../targets/launch.js';
import type { PreparedRun, RunKit } from '../workload.js';
import { liveWebSocket } from './live.js';
import { webSocketMetricSource, withWebSocket } from './section.js';

/** A planned step as the session runs it: the message rendered per send, the reply judged by its checks. */
function sessionStep(step: WsStepPlan): WsStep {
  if (step.kind === 'pause') return { scope: 0, timeoutMs: 0, pauseMs: step.pauseMs };
  const { message, checks } = step;
  return {
    scope: step.scope,
    render: (seq) => message.render({ seq }),
    ...(checks.length > 0 && {
      matches: (text: string) => runChecks(checks, { body: text, header: () => undefined }) === undefined,
    }),
    timeoutMs: step.timeoutMs,
  };
}

/** The target's TLS settings as `ws` (Node's https) takes them; only the ones set. */
function sessionTls(plan: ExecutionPlan): WsTls | undefined {
  const tls = plan.transport?.tls;
  if (tls === undefined) return undefined;
  return {
    rejectUnauthorized: !tls.insecure,
    ...(tls.ca !== undefined && { ca: tls.ca }),
    ...(tls.cert !== undefined && { cert: tls.cert }),
    ...(tls.key !== undefined && { key: tls.key }),
    ...(tls.servername !== undefined && { servername: tls.servername }),
  };
}

export function sessionPlan(ws: WebSocketPlan, url: string, tls?: WsTls): WsSessionPlan {
  return {
    ...(tls !== undefined && { tls }),
    url,
    headers: ws.headers,
    subprotocols: ws.subprotocols,
    steps: ws.steps.map(sessionStep),
    rounds: ws.rounds,
    durationMs: ws.durationMs,
    connectTimeoutMs: ws.connectTimeoutMs,
  };
}

/** WebSocket sessions against one URL: send steps are the recorder's scopes, sessions are counted beside. */
export function webSocketKit(plan: ExecutionPlan, ws: WebSocketPlan, url: string): RunKit {
  const totals = new WsTotals();
  const recorder = new WsRecorder(ws.scopes, totals);
  const aggregator = new RunAggregator(ws.scopes, { keepPointHistograms: true });
  const session = sessionPlan(ws, url, sessionTls(plan));
  return {
    scopes: { names: ws.scopes, noun: 'send step', methods: {} },
    serverUrl: redactUrl(url),
    recorder,
    aggregator,
    run: (signal) => runWebSocketLoad(session, plan.load, sessionLengthMs(ws), recorder, signal),
    metricSource: () => webSocketMetricSource(aggregator),
    live: () => liveWebSocket(recorder.live()),
    finish: (result) => withWebSocket(result, totals, aggregator.elapsedMs),
  };
}

/**
 * Starts the websocket demo when the target names it; sessions go to its ws:// URL. Before load the target must
 * accept a TCP connection (a connect, not a session, so the server's counters see only the test), or exit 3.
 */
export async function prepareWebSocketRun(plan: ExecutionPlan, ws: WebSocketPlan): Promise<PreparedRun> {
  const demo: RunningDemo | undefined = plan.target.kind === 'demo' ? await startDemo(plan.target.demo) : undefined;
  const url = ws.url ?? `${demo?.url ?? ''}/`;
  try {
    await checkTargetReachable('WebSocket target', url);
  } catch (err) {
    await demo?.stop();
    throw err;
  }
  const shown = demo === undefined ? plan.targetDisplay : `${plan.targetDisplay} (${demo.url})`;
  return { kit: webSocketKit(plan, ws, url), targetDisplay: shown, stop: async () => demo?.stop() };
}
