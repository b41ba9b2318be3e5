import { Document, isNode, isScalar, visit, type Node } from 'yaml';

/**
 * An imported scenario as data plus the comments that explain it: a header (where it came from, what to check)
 * and notes attached to nodes (what was left out of one request or step, and why).
 */
export interface CommentedScenario {
  readonly data: Record<string, unknown>;
  readonly header: readonly string[];
  readonly notes: readonly { path: readonly (string | number)[]; lines: readonly string[] }[];
}

/** Renders YAML with the comments in place; short maps and lists of scalars stay on one line. */
export function renderScenarioYaml(scenario: CommentedScenario): string {
  const doc = new Document(scenario.data);
  doc.commentBefore = scenario.header.map((line) => ` ${line}`).join('\n');
  for (const note of scenario.notes) {
    if (note.lines.length === 0) continue;
    const node: unknown = doc.getIn(note.path, true);
    if (!isNode(node)) continue;
    const text = note.lines.map((line) => ` ${line}`).join('\n');
    const target = node as Node;
    target.commentBefore = target.commentBefore ? `${target.commentBefore}\n${text}` : text;
  }
  // Small maps of scalars (expect, checks, think ranges) read best on one line, as in the README's examples.
  visit(doc, {
    Map(_key, map) {
      const small = map.items.length <= 3 && map.items.every((pair) => isScalar(pair.value));
      if (small && !map.commentBefore) map.flow = true;
    },
    Seq(_key, seq) {
      if (seq.items.length <= 5 && seq.items.every((item) => isScalar(item) && typeof item.value === 'number'))
        seq.flow = true;
    },
  });
  return doc.toString({ lineWidth: 120, flowCollectionPadding: true });
}
