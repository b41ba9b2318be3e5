import { RunError } from '../../errors.js';
import { isSecretParam, redactUrlsInText, scrubSecrets } from '../../scenario/redact.js';
import type { BrokerTarget } from './broker-adapter.js';

/** The password of a broker URL, as written and decoded: error texts from client libraries may quote either. */
export function secretsOf(target: BrokerTarget): string[] {
  try {
    const u = new URL(target.url);
    const params = [...u.searchParams].filter(([name]) => isSecretParam(name)).map(([, value]) => value);
    return [...new Set([u.password, decodeURIComponent(u.password), ...params])].filter((s) => s !== '');
  } catch {
    return []; // not a URL (the demo broker): nothing to scrub
  }
}

/** User-facing text of an error from a broker client: credentials never appear in it. */
export function describeError(err: unknown, target: BrokerTarget): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return redactUrlsInText(scrubSecrets(text, secretsOf(target)));
}

/** Awaits a setup step; its failure becomes a RunError (exit 3) saying `what`, credentials removed. */
export async function setupStep<T>(promise: Promise<T>, what: string, target: BrokerTarget): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof RunError) throw err;
    throw new RunError(`${what}: ${describeError(err, target)}`, { cause: err });
  }
}
