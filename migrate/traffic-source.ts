/**
 * Step 3: the traffic to replay. In order of preference: the file the user
 * gave (NDJSON, HAR or GoReplay, as verify reads them), the app's own
 * recorded `traffic.ndjson`, or traffic recorded now by running the app's
 * test suite against a fresh original behind the recording proxy. The suite
 * finds the recorder through `FIXTURE_BASE_URL` / `EXPRESSWAY_BASE_URL`;
 * a suite that ignores both sends nothing through it, which is reported.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MigrateErrors } from './errors.js';
import { commandPath, startCommand, testCommand } from './app-entry.js';

export type TrafficOrigin = 'given' | 'recorded-file' | 'test-suite';

export interface TrafficSource {
  path: string;
  origin: TrafficOrigin;
  /** Exchanges recorded, for `test-suite`. */
  exchanges?: number;
  /** Exit code of the suite, for `test-suite` (non-zero still gives usable traffic, with a warning). */
  suiteExit?: number;
}

export interface TrafficOptions {
  appDir: string;
  /** The user's --traffic, relative to cwd. */
  traffic?: string;
  cwd: string;
  /** Where recorded traffic and the logs of the recording run go. */
  workDir: string;
  env: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
  signal?: AbortSignal;
  onRequest?: (count: number) => void;
}

export const RECORDED_TRAFFIC_FILE = 'traffic.ndjson';

export async function resolveTraffic(options: TrafficOptions): Promise<TrafficSource> {
  if (options.traffic !== undefined) {
    const path = resolve(options.cwd, options.traffic);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) throw MigrateErrors.EXW_ERR_MIGRATE_OPTION('--traffic', `${path} is not a readable file`);
    return { path, origin: 'given' };
  }
  const recorded = join(options.appDir, RECORDED_TRAFFIC_FILE);
  if (existsSync(recorded)) return { path: recorded, origin: 'recorded-file' };
  return recordFromSuite(options);
}

async function recordFromSuite(options: TrafficOptions): Promise<TrafficSource> {
  const suite = testCommand(options.appDir);
  if (!suite) throw MigrateErrors.EXW_ERR_MIGRATE_NO_TRAFFIC(options.appDir, 'package.json has no "test" script');
  const [{ startTarget }, { startRecorder }] = await Promise.all([import('../verify/targets.js'), import('../verify/record-proxy.js')]);
  await mkdir(options.workDir, { recursive: true });
  const out = join(options.workDir, 'recorded-traffic.ndjson');
  const app = await startTarget(startCommand(options.appDir).command, {
    side: 'baseline',
    outDir: join(options.workDir, 'logs', 'recording'),
    env: { ...options.env, PATH: commandPath(options.appDir) },
    ...(options.startTimeoutMs !== undefined ? { startTimeoutMs: options.startTimeoutMs } : {}),
  });
  try {
    let count = 0;
    // Credentials stay: the replay has to log in the way the suite did. The file stays in the work dir.
    const recorder = await startRecorder({ target: app.origin, out, redact: false, onExchange: () => options.onRequest?.(++count) });
    let suiteExit: number;
    try {
      suiteExit = await runSuite(suite.command, options, recorder.url);
    } finally {
      await recorder.close(1000);
    }
    if (recorder.count === 0) {
      throw MigrateErrors.EXW_ERR_MIGRATE_RECORD(options.appDir, `the suite (${suite.description}, exit ${suiteExit}) sent no request through the recorder; it must send its requests to FIXTURE_BASE_URL or EXPRESSWAY_BASE_URL when set`);
    }
    return { path: out, origin: 'test-suite', exchanges: recorder.count, suiteExit };
  } finally {
    await app.stop();
  }
}

function runSuite(command: string, options: TrafficOptions, baseUrl: string): Promise<number> {
  const log = openSync(join(options.workDir, 'logs', 'recording', 'suite.log'), 'w');
  try {
    const child = spawn(command, {
      shell: true,
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ...options.env, PATH: commandPath(options.appDir), FIXTURE_BASE_URL: baseUrl, EXPRESSWAY_BASE_URL: baseUrl, CI: '1' },
    });
    const stop = () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    return new Promise((done) => {
      child.once('error', () => done(127));
      child.once('exit', (code) => {
        options.signal?.removeEventListener('abort', stop);
        done(code ?? 1);
      });
    });
  } finally {
    closeSync(log);
  }
}
