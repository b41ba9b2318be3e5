import type { CapturePlan, StepPlan } from '../../scenario/flow-plan.js';
import { parseJson, type ResponseView, runChecks } from '../http/checks.js';
import type { Outcome } from '../http/http-sender.js';

/** What a capture reads: the response's status, headers and (lazily parsed) JSON body. */
export interface CaptureSource extends ResponseView {
  status: number;
}

/** A captured value as later templates see it: text; objects and arrays as JSON. */
function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Sets each captured variable in `vars`. Returns why the first capture failed (the value is absent or null),
 * or undefined when all were found: a step whose capture fails has failed, and the steps that need the
 * variable are skipped.
 */
export function applyCaptures(
  captures: readonly CapturePlan[],
  response: CaptureSource,
  vars: Record<string, string>,
): string | undefined {
  let json: unknown;
  let parsed = false;
  for (const c of captures) {
    let value: string | undefined;
    switch (c.source) {
      case 'status':
        value = String(response.status);
        break;
      case 'header':
        value = response.header(c.path);
        break;
      case 'jsonPath':
        if (!parsed) {
          json = response.json !== undefined ? response.json : parseJson(response.body);
          parsed = true;
        }
        value = asText(c.query?.first(json));
        break;
    }
    if (value === undefined) {
      const where = c.source === 'header' ? `header ${c.path}` : `jsonPath ${c.path}`;
      return `capture ${c.variable}: ${where} not found in the response`;
    }
    vars[c.variable] = value;
  }
  return undefined;
}

/**
 * An answered step, judged the same way whatever carried it (HTTP or gRPC): its checks, then its captures.
 * A failed check or a capture that found nothing fails the step as `check`.
 */
export function judgeAnswer(step: StepPlan, view: CaptureSource, vars: Record<string, string>): Outcome {
  const { status } = view;
  const checks = step.request.checks;
  const failed = checks.length > 0 ? runChecks(checks, view) : undefined;
  if (failed !== undefined) return { error: 'check', hasLatency: true, status, message: `check failed: ${failed}` };
  const missing = step.captures.length > 0 ? applyCaptures(step.captures, view, vars) : undefined;
  if (missing !== undefined) return { error: 'check', hasLatency: true, status, message: missing };
  return { error: undefined, hasLatency: true, status, message: undefined };
}
