import { InputError } from '../errors.js';
import { sectionsOf } from '../workloads/registry.js';
import type { RunResult, SloSpecRecord } from './run-result.js';

export interface MergeInput {
  file: string;
  result: RunResult;
}

const describe = (r: RunResult): string => `scenario "${r.scenario}" (${r.model} model)`;
const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Results `merge` can combine: request runs (a section may keep structures merge cannot add up). */
function checkKind({ file, result }: MergeInput): void {
  const refusal = sectionsOf(result).find((s) => s.mergeRefusal !== undefined)?.mergeRefusal;
  if (refusal !== undefined) throw new InputError(`${file}: ${refusal}; merge combines request runs only`);
}

/** The SLOs of the run, once: every part must carry the same specs (older results carry none). */
function sloSpecs(inputs: readonly MergeInput[]): SloSpecRecord[] {
  const [first] = inputs;
  for (const { file, result } of inputs) {
    if (result.sloSpecs === undefined && result.slos.length > 0) {
      throw new InputError(`${file}: has SLO verdicts but no SLO specs (written by an older backend-bench): re-run it`);
    }
    if (first !== undefined && !sameJson(result.sloSpecs ?? [], first.result.sloSpecs ?? [])) {
      throw new InputError(`${file}: its SLOs differ from ${first.file}'s; shards of one run share one scenario`);
    }
  }
  return first?.result.sloSpecs ?? [];
}

/** The shards of the split that no input is (1-based, as users write them): empty for a complete set. */
function checkShards(inputs: readonly MergeInput[]): { missing: string[] } {
  const [first] = inputs;
  const count = first?.result.shard?.count;
  const seen = new Map<number, string>();
  for (const { file, result } of inputs) {
    const shard = result.shard;
    if (shard === undefined && count !== undefined) {
      throw new InputError(
        `${file}: not a shard result, while ${first?.file} is one of ${count} shards (run shards with --shard i/n)`,
      );
    }
    if (shard === undefined) continue;
    if (count === undefined)
      throw new InputError(`${file}: shard ${shard.index}/${shard.count}, while ${first?.file} is not a shard result`);
    if (shard.count !== count)
      throw new InputError(`${file}: shard ${shard.index}/${shard.count}, but ${first?.file} is one of ${count}`);
    const again = seen.get(shard.index);
    if (again !== undefined) throw new InputError(`${file}: shard ${shard.index}/${shard.count} again (also ${again})`);
    seen.set(shard.index, file);
  }
  if (count === undefined || seen.size === count) return { missing: [] };
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  return { missing: missing.map((i) => `${i}/${count}`) };
}

/**
 * Checks that the files are parts of one run (same scenario, model, requests and SLOs; shards of one split,
 * each once, all of them) and returns the SLO specs to judge the merged result by. A missing shard is an input
 * error naming it, unless `allowPartial`: then the merge goes on, its result marked partial, with a warning.
 * Anything else is an input error naming the file (exit 2).
 */
export function checkMergeable(
  inputs: readonly MergeInput[],
  options: { allowPartial?: boolean } = {},
): { specs: SloSpecRecord[]; warnings: string[]; partial: boolean } {
  const [first] = inputs;
  if (first === undefined) throw new InputError('merge: give the result files of the shards');
  const names = Object.keys(first.result.byRequest).sort();
  for (const input of inputs) {
    checkKind(input);
    const r = input.result;
    if (r.scenario !== first.result.scenario || r.model !== first.result.model) {
      throw new InputError(`${input.file}: ${describe(r)} does not match ${first.file}'s ${describe(first.result)}`);
    }
    if (!sameJson(Object.keys(r.byRequest).sort(), names)) {
      throw new InputError(
        `${input.file}: its requests (${Object.keys(r.byRequest).join(', ')}) differ from ${first.file}'s (${names.join(', ')})`,
      );
    }
  }
  const specs = sloSpecs(inputs);
  const { missing } = checkShards(inputs);
  if (missing.length === 0) return { specs, warnings: [], partial: false };
  const what = `${inputs.length} of ${inputs.length + missing.length} shards: missing shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`;
  if (options.allowPartial !== true) {
    throw new InputError(
      `merge: ${what}; SLOs judged on part of the load would mislead (merge a partial set with --allow-partial)`,
    );
  }
  return { specs, warnings: [`merging ${what}: the result is marked partial`], partial: true };
}
