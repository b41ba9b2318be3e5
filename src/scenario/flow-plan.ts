import { fileURLToPath } from 'node:url';
import {
  type CaptureConfig,
  DEMO_SERVICES,
  type ServiceConfig,
  type StepConfig,
  type ThinkConfig,
} from './flow-schema.js';
import { type GrpcCallPlan, grpcAddress, planGrpcCall, planProtos } from './grpc/grpc-plan.js';
import { isGrpcUrl } from './grpc/grpc-schema.js';
import type { ProtoSet } from './grpc/proto-catalogue.js';
import { compileJsonPath, type JsonPath } from './json-path.js';
import type { RequestPlan } from './plan.js';
import { redactUrl } from './redact.js';
import type { RequestConfig, ScenarioConfig } from './schema.js';
import { templateVariables } from './template.js';
import { splitCredentials, withUrlCredentials } from './url-credentials.js';

/**
 * Resolves `services` and `flows` into an execution plan: service indices, steps numbered across flows
 * (their metrics scopes), what each step captures and which captured variables it needs.
 */

export interface ServicePlan {
  index: number;
  name: string;
  /** Undefined when a demo provides the service: its URL is known once the demo runs. */
  url: string | undefined;
  /** As it may be shown: credentials removed. */
  display: string;
  timeoutMs: number;
  /** A gRPC service (grpc:// URL, or the demo's stock): its protos; its steps are calls. */
  grpc?: ProtoSet;
}

export interface CapturePlan {
  variable: string;
  source: 'jsonPath' | 'header' | 'status';
  /** The JSON path or header name; empty for status. */
  path: string;
  /** The JSON path compiled (source jsonPath only). */
  query?: JsonPath;
}

export interface StepPlan {
  /** Position across all flows, in declaration order: the step's metrics scope. */
  index: number;
  name: string;
  flow: number;
  service: number;
  request: RequestPlan;
  captures: readonly CapturePlan[];
  /** Captured variables the step's templates use; when one is missing the step is skipped. */
  needs: readonly string[];
  /** Pause after the step, picked uniformly in [min, max] ms; [0, 0] for none. */
  thinkMs: readonly [number, number];
  /** Set when the step's service speaks gRPC: the call it makes (its `request` is then unused). */
  grpc?: GrpcCallPlan;
}

export interface FlowPlan {
  index: number;
  name: string;
  weight: number;
  steps: readonly StepPlan[];
}

export interface FlowsPlan {
  /** The demo that provides the services, if any. */
  demo: string | undefined;
  services: readonly ServicePlan[];
  flows: readonly FlowPlan[];
  /** Every step of every flow, by index. */
  steps: readonly StepPlan[];
}

type FieldPath = readonly (string | number)[];

/** What planScenario lends the flow planner, so the two share one request compiler and one problem list. */
export interface FlowPlanning {
  problems: { add(path: FieldPath, message: string): void };
  compileRequest(r: RequestConfig, index: number, at: FieldPath): RequestPlan;
  checkUrl(url: string): string | undefined;
  /** Defaults from `target`: per-request timeout and headers for every service. */
  timeoutMs: number;
  /** Directory of the scenario file: a gRPC service's protos are relative to it. */
  baseDir: string;
  headers: Readonly<Record<string, string>>;
}

export function planFlows(config: ScenarioConfig, p: FlowPlanning): FlowsPlan | undefined {
  if (config.flows === undefined) return undefined;
  const demo = typeof config.target === 'object' ? config.target.demo : undefined;
  const declared = declaredServices(config, demo);
  const services: ServicePlan[] = [];
  const serviceIndex = (name: string, at: FieldPath): number => {
    const found = services.findIndex((s) => s.name === name);
    if (found >= 0) return found;
    const config = declared.get(name);
    if (config === undefined) {
      p.problems.add(at, `no service "${name}" (known: ${[...declared.keys()].join(', ') || 'none'})`);
      return -1;
    }
    services.push(servicePlan(name, services.length, config, demo, p));
    return services.length - 1;
  };
  const steps: StepPlan[] = [];
  const flows = config.flows.map((flow, f): FlowPlan => {
    const flowSteps = flow.steps.map((step, s) => {
      const at = ['flows', f, 'steps', s];
      const name = step.name ?? `${flow.name}.${s + 1}`;
      const service = serviceIndex(step.service, [...at, 'service']);
      const serviceConfig = declared.get(step.service);
      const headers = withUrlCredentials(
        { ...p.headers, ...serviceConfig?.headers, ...step.headers },
        serviceConfig?.authorization,
      );
      const protos = services[service]?.grpc;
      const plan = stepPlan({ ...step, headers }, name, steps.length, f, service, at, p, protos);
      steps.push(plan);
      return plan;
    });
    return { index: f, name: flow.name, weight: flow.weight, steps: flowSteps };
  });
  checkNames(flows, p);
  checkCaptures(flows, p);
  return { demo, services, flows, steps };
}

/** The names SLO scopes may use, for the plan-time scope check. */
export function flowScopeNames(plan: FlowsPlan): { flow: string[]; step: string[]; service: string[] } {
  return {
    flow: plan.flows.map((f) => f.name),
    step: plan.steps.map((s) => s.name),
    service: plan.services.map((s) => s.name),
  };
}

/** One line for `validate` and the start banner: "2 flows, 5 steps, 3 services". */
export function describeFlows(plan: FlowsPlan): string {
  const n = (count: number, what: string): string => `${count} ${what}${count === 1 ? '' : 's'}`;
  return `${n(plan.flows.length, 'flow')}, ${n(plan.steps.length, 'step')}, ${n(plan.services.length, 'service')}`;
}

interface DeclaredService {
  /** As written: its credentials also become `authorization`, and the URL connected to has none. */
  url: string | undefined;
  authorization?: string;
  headers: Readonly<Record<string, string>> | undefined;
  timeoutMs: number | undefined;
  proto?: string | string[];
  protoIncludes?: string[];
}

/** The demo services that speak gRPC, with the proto that defines them (shipped in scenarios/protos). */
const DEMO_GRPC_PROTOS: Readonly<Record<string, string>> = {
  stock: fileURLToPath(new URL('../../scenarios/protos/shop.proto', import.meta.url)),
};

function declaredServices(config: ScenarioConfig, demo: string | undefined): Map<string, DeclaredService> {
  const out = new Map<string, DeclaredService>();
  const fromDemo = demo !== undefined && Object.hasOwn(DEMO_SERVICES, demo) ? DEMO_SERVICES[demo] : undefined;
  for (const name of fromDemo ?? []) {
    const proto = DEMO_GRPC_PROTOS[name];
    out.set(name, { url: undefined, headers: undefined, timeoutMs: undefined, ...(proto && { proto }) });
  }
  for (const [name, s] of Object.entries(config.services ?? {})) out.set(name, normalizeService(s));
  return out;
}

function normalizeService(s: ServiceConfig): DeclaredService {
  const url = typeof s === 'string' ? s : s.url;
  const { authorization } = splitCredentials(url);
  const base =
    typeof s === 'string'
      ? { url, headers: undefined, timeoutMs: undefined }
      : { url, headers: s.headers, timeoutMs: s.timeout, proto: s.proto, protoIncludes: s.protoIncludes };
  return { ...base, ...(authorization !== undefined && { authorization }) };
}

function servicePlan(
  name: string,
  index: number,
  s: DeclaredService,
  demo: string | undefined,
  p: FlowPlanning,
): ServicePlan {
  const grpc = (s.url !== undefined && isGrpcUrl(s.url)) || (s.url === undefined && s.proto !== undefined);
  if (s.url !== undefined) {
    const address = grpc ? grpcAddress(s.url) : undefined;
    const bad = grpc ? (typeof address === 'string' ? address : undefined) : p.checkUrl(s.url);
    if (bad !== undefined) p.problems.add(['services', name], bad);
  }
  const display = s.url !== undefined ? redactUrl(s.url) : `demo:${demo ?? ''}/${name}`;
  const url = s.url === undefined ? undefined : splitCredentials(s.url).url;
  const add = p.problems.add.bind(p.problems);
  // A flow's gRPC service is read from its protos; reflection serves run targets only (README, gRPC).
  if (grpc && s.proto === undefined)
    add(['services', name], 'a gRPC service needs proto: the .proto file(s) that define its methods');
  const protos =
    grpc && s.proto !== undefined
      ? planProtos(s.proto, s.protoIncludes, p.baseDir, add, ['services', name])
      : undefined;
  return { index, name, url, display, timeoutMs: s.timeoutMs ?? p.timeoutMs, ...(protos && { grpc: protos }) };
}

function stepPlan(
  step: StepConfig,
  name: string,
  index: number,
  flow: number,
  service: number,
  at: FieldPath,
  p: FlowPlanning,
  protos: ProtoSet | undefined,
): StepPlan {
  const request = p.compileRequest({ ...step, name, weight: 1 }, index, at);
  const captures = Object.entries(step.capture ?? {}).map(([variable, c]) =>
    capturePlan(variable, c, [...at, 'capture', variable], p),
  );
  const texts = templateTexts(step);
  const grpc = protos === undefined ? undefined : planGrpcCall(step, protos, p.problems.add.bind(p.problems), at);
  return {
    ...(grpc && { grpc }),
    index,
    name,
    flow,
    service,
    // A JSON-path capture reads the body even when no check does.
    request: { ...request, needsBody: request.needsBody || captures.some((c) => c.source === 'jsonPath') },
    captures,
    needs: [...new Set(texts.flatMap((t) => safely(templateVariables, t)))],
    thinkMs: thinkRange(step.think),
  };
}

function capturePlan(variable: string, c: CaptureConfig, at: FieldPath, p: FlowPlanning): CapturePlan {
  if (typeof c === 'string' || 'jsonPath' in c) {
    const path = typeof c === 'string' ? c : c.jsonPath;
    try {
      return { variable, source: 'jsonPath', path, query: compileJsonPath(path) };
    } catch (err) {
      p.problems.add(typeof c === 'string' ? at : [...at, 'jsonPath'], (err as Error).message);
      return { variable, source: 'jsonPath', path };
    }
  }
  if ('header' in c) return { variable, source: 'header', path: c.header.toLowerCase() };
  return { variable, source: 'status', path: '' };
}

function thinkRange(think: ThinkConfig | undefined): readonly [number, number] {
  if (think === undefined) return [0, 0];
  return typeof think === 'number' ? [think, think] : think;
}

/** Every string of a step that may hold templates: path, query and header values, the body's string leaves. */
function templateTexts(step: StepConfig): string[] {
  const texts = [step.path, ...Object.values(step.query ?? {}), ...Object.values(step.headers ?? {})];
  if (step.body !== undefined) texts.push(step.body);
  const walk = (v: unknown): void => {
    if (typeof v === 'string') texts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(step.json);
  // A gRPC step's message(s) and metadata carry templates too.
  walk(step.message);
  walk(step.messages);
  walk(step.metadata);
  return texts;
}

/** Template syntax errors are reported once, by the request compiler; scans of a broken string find nothing. */
function safely(scan: (text: string) => string[], text: string): string[] {
  try {
    return scan(text);
  } catch {
    return [];
  }
}

function checkNames(flows: readonly FlowPlan[], p: FlowPlanning): void {
  const flowSeen = new Set<string>();
  const stepSeen = new Map<string, string>();
  for (const flow of flows) {
    if (flowSeen.has(flow.name)) p.problems.add(['flows', flow.index, 'name'], `"${flow.name}" is used twice`);
    flowSeen.add(flow.name);
    flow.steps.forEach((step, s) => {
      const other = stepSeen.get(step.name);
      if (other !== undefined) {
        p.problems.add(
          ['flows', flow.index, 'steps', s, 'name'],
          `"${step.name}" is also a step of flow ${other}; step names are unique across flows (they name step: SLOs)`,
        );
      }
      stepSeen.set(step.name, flow.name);
    });
  }
}

/** A step may only use variables that an earlier step of its own flow captures. */
function checkCaptures(flows: readonly FlowPlan[], p: FlowPlanning): void {
  for (const flow of flows) {
    const captured = new Set<string>();
    flow.steps.forEach((step, s) => {
      for (const name of step.needs) {
        if (captured.has(name)) continue;
        p.problems.add(
          ['flows', flow.index, 'steps', s],
          `uses {{vars.${name}}} but no earlier step of flow ${flow.name} captures ${name}`,
        );
      }
      for (const c of step.captures) captured.add(c.variable);
    });
  }
}
