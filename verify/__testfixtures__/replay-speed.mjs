// Measures replay-with-diff throughput (not a test). Writes N exchanges over
// six routes, starts the pair app (baseline variant, noise fields included)
// twice as fast local targets pinned to core 0, runs `expressway verify`
// pinned to core 1 (DESIGN.md "Measuring performance"), and prints
// exchanges per second and the verify process's CPU per exchange. Each
// exchange is three HTTP requests (primary, secondary, candidate).
//   npm run build && node verify/__testfixtures__/replay-speed.mjs [N] [concurrency]
// EXW_DIST=<dir> runs another build (e.g. a before/after pair); EXW_CPU_PROF=<dir>
// writes a CPU profile of the verify process there.
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer } from 'node:net';

const n = Number(process.argv[2] ?? 50_000);
const concurrency = process.argv[3] ?? '64';
const root = fileURLToPath(new URL('../..', import.meta.url));
const app = join(root, 'verify/__testfixtures__/pair-app.mjs');
const dir = mkdtempSync(join(tmpdir(), 'exw-speed-'));
const urls = ['/users/1', '/users/2', '/same', '/noise', '/items', '/profile'];
const lines = [];
for (let i = 0; i < n; i++) lines.push(JSON.stringify({ v: 1, id: `s${i}`, ts: '2026-01-01T00:00:00Z', request: { method: 'GET', url: urls[i % urls.length], headers: { accept: 'application/json' } } }));
writeFileSync(join(dir, 't.ndjson'), lines.join('\n') + '\n');

const hasTaskset = process.env.NO_PIN ? false : spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const pinned = (core, cmd, args, opts) => (hasTaskset ? spawn('taskset', ['-c', String(core), cmd, ...args], opts) : spawn(cmd, args, opts));
const freePort = () =>
  new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
/** User + system CPU seconds of a running process (taskset execs, so the pid is the server's). */
const cpuSeconds = (pid) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
};
const ports = [await freePort(), await freePort()];
const targets = ports.map((port) => pinned(0, process.execPath, [app, 'baseline'], { env: { ...process.env, PORT: String(port) }, stdio: 'inherit' }));
await sleep(500);
try {
  const dist = process.env.EXW_DIST ?? join(root, 'dist');
  const prof = process.env.EXW_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.EXW_CPU_PROF] : [];
  const args = [...prof, join(dist, 'cli/main.js'), 'verify', '--baseline', `http://127.0.0.1:${ports[0]}`, '--candidate', `http://127.0.0.1:${ports[1]}`, '--traffic', join(dir, 't.ndjson'), '--out', dir, '--concurrency', concurrency, '--quiet', ...(process.env.EXW_VERIFY_ARGS ?? '').split(' ').filter(Boolean)];
  const timeFile = join(dir, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, ...(hasTaskset ? ['taskset', '-c', '1'] : []), process.execPath, ...args], { stdio: 'inherit' });
  const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  const targetSeconds = targets.reduce((sum, t) => sum + cpuSeconds(t.pid), 0);
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  const seconds = report.durationMs / 1000;
  const perExchangeUs = ((user + sys) * 1e6) / report.totals.compared;
  console.log(
    `exit ${r.status}; ${report.totals.compared} exchanges (${report.totals.compared * 3} HTTP requests) in ${seconds.toFixed(2)} s: ` +
      `${Math.round(report.totals.compared / seconds)} exchanges/s = ${Math.round((3 * report.totals.compared) / seconds)} replayed requests/s; ` +
      `verify CPU ${perExchangeUs.toFixed(0)} µs per exchange, targets ${((targetSeconds * 1e6) / report.totals.compared).toFixed(0)} µs; parity ${report.totals.parity}%`,
  );
} finally {
  for (const t of targets) t.kill();
}
