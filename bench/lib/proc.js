// Processes for the benchmark: every child is bounded in time, pinned to the cores it is given, and only the
// processes started here are ever stopped (by PID).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function has(binary) {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

export function tempDir(prefix = 'bb-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755); // nginx workers (another user) read from it
  return dir;
}

/**
 * Runs a command to completion, pinned with taskset to `cpus` (e.g. "0"), killed after `timeoutMs`.
 * Resolves with exit code, output, wall time and the child's CPU time (from /usr/bin/time when present).
 */
export function runBounded(command, args, { cpus, timeoutMs, cwd, env } = {}) {
  const timeFile = join(tmpdir(), `bb-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const timed = has('/usr/bin/time') ? ['/usr/bin/time', '-f', '%U %S %M', '-o', timeFile] : [];
  const pinned = cpus === undefined ? [] : ['taskset', '-c', cpus];
  const argv = [...timed, ...pinned, command, ...args];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs ?? 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let cpuSeconds;
      let maxRssKb;
      try {
        const [user, sys, rss] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
        cpuSeconds = user + sys;
        maxRssKb = rss;
      } catch {
        // no /usr/bin/time, or the child was killed before it wrote
      }
      resolve({ code, signal, stdout, stderr, wallMs: performance.now() - started, cpuSeconds, maxRssKb });
    });
  });
}

/** Starts a long-lived process pinned to `cpus`; returns its PID and a stop() that signals that PID only. */
export function startPinned(command, args, { cpus, cwd } = {}) {
  const argv = cpus === undefined ? [command, ...args] : ['taskset', '-c', cpus, command, ...args];
  const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('close', resolve));
  return {
    pid: child.pid,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
      if (!done) child.kill('SIGKILL');
    },
  };
}

export function portOpen(port) {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

export async function waitForPort(port, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await portOpen(port)) return;
    await sleep(100);
  }
  throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/**
 * nginx answering a 13-byte JSON body on loopback, its own prefix and config in a temporary folder. The body comes
 * from the config (`return 200`), not a file: serving a file costs nginx an open, a stat and a sendfile per request,
 * which on a 2-core host made one nginx worker the ceiling for every tool (wrk included) at about 90k rps.
 */
export function nginxConfig(port) {
  const dir = tempDir('bb-bench-nginx-');
  for (const d of ['tmp', 'logs']) mkdirSync(join(dir, d));
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off; master_process on; worker_processes 1; pid ${dir}/logs/nginx.pid; error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; }
http { access_log off; default_type application/json; keepalive_requests 1000000; keepalive_timeout 65s;
  client_body_temp_path ${dir}/tmp/body; proxy_temp_path ${dir}/tmp/proxy; fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi; scgi_temp_path ${dir}/tmp/scgi;
  server { listen 127.0.0.1:${port}; location / { return 200 '{"hello":"w"}'; } } }
`,
  );
  return { dir, args: ['-p', dir, '-c', join(dir, 'nginx.conf')] };
}
