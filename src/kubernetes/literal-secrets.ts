import { isPair, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { isSecretHeader } from '../scenario/redact.js';

/** A URL with user:password before its host, e.g. http://alice:pw@host/ or amqp://guest:guest@rabbit. */
const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s]+)@/i;
const PLACEHOLDER = /\$\{[^}]+\}/;

/**
 * Secrets written literally in a scenario's text: secret headers (Authorization, Cookie, API keys…) and URL
 * credentials whose values are not `${VAR}` placeholders. A ConfigMap is not a Secret (anyone who can read the
 * namespace's config reads it), so `k8s render` refuses to ship them; each problem is "file:line:col: what".
 */
export function literalSecrets(text: string, shown: string): string[] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const problems: string[] = [];
  const at = (offset: number | undefined): string => {
    const { line, col } = counter.linePos(offset ?? 0);
    return `${shown}:${line}:${col}`;
  };
  visit(doc, {
    Pair(_key, pair) {
      if (!isPair(pair) || !isScalar(pair.key) || !isScalar(pair.value)) return;
      const name = pair.key.value;
      const value = pair.value.value;
      if (typeof name !== 'string' || typeof value !== 'string') return;
      if (isSecretHeader(name) && !PLACEHOLDER.test(value)) {
        problems.push(`${at(pair.value.range?.[0])}: header ${name} holds a literal secret`);
      }
    },
    Scalar(_key, node) {
      const credentials = typeof node.value === 'string' ? URL_WITH_CREDENTIALS.exec(node.value)?.[1] : undefined;
      if (credentials !== undefined && !PLACEHOLDER.test(credentials)) {
        problems.push(`${at(node.range?.[0])}: a URL carries literal credentials (user:password@)`);
      }
    },
  });
  return problems;
}
