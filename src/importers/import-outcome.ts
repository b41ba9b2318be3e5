import type { CommentedScenario } from './scenario-yaml.js';

/** What an importer hands the command: the scenario to write, and what to tell the user. */
export interface ImportOutcome {
  readonly scenario: CommentedScenario;
  /** Printed to stderr: one line each, what was left out or needs a hand. */
  readonly warnings: readonly string[];
  /** Printed to stderr as they are, before the warnings: what the import did (e.g. what it correlated). */
  readonly report?: readonly string[];
  /** Printed after the file is written. */
  readonly summary: readonly string[];
}

/** Every import starts with the same budgets; the file says to tighten them. */
export const STARTER_SLOS = ['p95 < 200ms', 'error_rate < 1%'] as const;
