import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { closedPort } from './servers.js';
import { tempDir } from './cli.js';

/** A server binary started by a test on loopback; stopped by its own pid. */
export interface Daemon {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export const freePort = closedPort;

async function waitReady(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new Error(`${child.spawnfile} exited (${child.exitCode}) before it was ready:\n${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await delay(200);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms:\n${log()}`);
}

export async function startDaemon(bin: string, args: string[], baseUrl: string, readyPath: string): Promise<Daemon> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer): void => void (output = (output + d.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitReady(`${baseUrl}${readyPath}`, child, () => output, 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: baseUrl, pid: child.pid as number, stop };
}

/** Prometheus scraping `targets` every second, with its own config and storage in a temp dir. */
export async function startPrometheus(targets: readonly string[]): Promise<Daemon> {
  const dir = tempDir('bb-prom-');
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    '  - job_name: backend-bench',
    '    static_configs:',
    `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  mkdirSync(join(dir, 'data'));
  return startDaemon(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    `http://127.0.0.1:${port}`,
    '/-/ready',
  );
}

/** A Pushgateway on a free loopback port, nothing persisted. */
export async function startPushgateway(): Promise<Daemon> {
  const port = await freePort();
  return startDaemon(
    '/usr/bin/prometheus-pushgateway',
    [`--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    `http://127.0.0.1:${port}`,
    '/-/ready',
  );
}

/**
 * nginx (one worker, no access log) answering every path with a 13-byte JSON body from a config in a temp dir:
 * a target several times cheaper per request than any Node generator, for tests that need the generator to be
 * the limit whatever else the machine is doing.
 */
export async function startNginx(): Promise<Daemon> {
  const dir = tempDir('bb-nginx-');
  const port = await freePort();
  mkdirSync(join(dir, 'logs'));
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/${t};`);
  const config = [
    `daemon off; master_process off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/logs/error.log warn;`,
    'events { worker_connections 4096; }',
    `http { access_log off; keepalive_requests 1000000; ${temp.join(' ')}`,
    `  server { listen 127.0.0.1:${port}; location / { default_type application/json; return 200 '{"hello":"w"}'; } } }`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'nginx.conf'), config);
  return startDaemon('/usr/sbin/nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], `http://127.0.0.1:${port}`, '/');
}
