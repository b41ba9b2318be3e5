import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../../src/result/run-result.js';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BIN = join(ROOT, 'bin', 'backend-bench.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Hard bound on the child's life; the test fails rather than hangs. */
  timeoutMs?: number;
  /** Called once the child has started (e.g. to send it a signal later). */
  onSpawn?: (pid: number) => void;
  /** Pins the CLI to these CPUs (taskset's list, e.g. "0"), as a user's container or CI runner may. */
  cpus?: string;
}

/** Runs the built CLI as a user would: a separate process, no TTY. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const argv = [process.execPath, BIN, ...args];
    const [command, ...rest] = options.cpus === undefined ? argv : ['taskset', '-c', options.cpus, ...argv];
    const child = spawn(command as string, rest, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('spawn', () => options.onSpawn?.(child.pid as number));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, pid: child.pid as number });
    });
  });
}

export function tempDir(prefix = 'bb-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function readResult(file: string): RunResult {
  return JSON.parse(readFileSync(file, 'utf8')) as RunResult;
}
