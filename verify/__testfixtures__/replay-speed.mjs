// Measures replay-with-diff throughput (not a test). Writes N exchanges over
// six routes, starts the pair app (baseline variant, noise fields included)
// twice as fast local targets pinned to core 0, runs `expressway verify`
// pinned to core 1 (DESIGN.md "Measuring performance"), and prints
// exchanges per second and the verify process's CPU per exchange. Each
// exchange is three HTTP requests (primary, secondary, candidate).
//   npm run build && node verify/__testfixtures__/replay-speed.mjs [N] [concurrency]
// EXW_DIST=<dir> runs another build; EXW_DIST=<a>,<b> alternates two builds in
// the same run (before/after), EXW_ROUNDS=<k> times; EXW_CPU_PROF=<dir> writes a
// CPU profile of the verify process there.
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
/** One verify run of `dist`; returns its figures. */
const runOnce = (dist) => {
  const prof = process.env.EXW_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.EXW_CPU_PROF] : [];
  const args = [...prof, join(dist, 'cli/main.js'), 'verify', '--baseline', `http://127.0.0.1:${ports[0]}`, '--candidate', `http://127.0.0.1:${ports[1]}`, '--traffic', join(dir, 't.ndjson'), '--out', dir, '--concurrency', concurrency, '--quiet', ...(process.env.EXW_VERIFY_ARGS ?? '').split(' ').filter(Boolean)];
  const timeFile = join(dir, 'time.txt');
  const targetsBefore = targets.reduce((sum, t) => sum + cpuSeconds(t.pid), 0);
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, ...(hasTaskset ? ['taskset', '-c', '1'] : []), process.execPath, ...args], { stdio: 'inherit' });
  const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  const targetSeconds = targets.reduce((sum, t) => sum + cpuSeconds(t.pid), 0) - targetsBefore;
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  const compared = report.totals.compared;
  const seconds = report.durationMs / 1000;
  return {
    status: r.status,
    compared,
    seconds,
    rate: compared / seconds,
    cpuUs: ((user + sys) * 1e6) / compared,
    sysUs: (sys * 1e6) / compared,
    targetsUs: (targetSeconds * 1e6) / compared,
    parity: report.totals.parity,
  };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  // EXW_DIST=a,b alternates builds in the same run (a, b, a, b, ...), EXW_ROUNDS times (default 1).
  const dists = (process.env.EXW_DIST ?? join(root, 'dist')).split(',');
  const rounds = Number(process.env.EXW_ROUNDS ?? 1);
  const results = new Map(dists.map((d) => [d, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const dist of dists) {
      const x = runOnce(dist);
      results.get(dist).push(x);
      console.log(
        `${dists.length > 1 ? `[${dist}] ` : ''}exit ${x.status}; ${x.compared} exchanges (${x.compared * 3} HTTP requests) in ${x.seconds.toFixed(2)} s: ` +
          `${Math.round(x.rate)} exchanges/s = ${Math.round(3 * x.rate)} replayed requests/s; ` +
          `verify CPU ${x.cpuUs.toFixed(0)} µs per exchange (system ${x.sysUs.toFixed(0)}), targets ${x.targetsUs.toFixed(0)} µs; parity ${x.parity}%`,
      );
    }
  }
  for (const [dist, xs] of results) {
    const rate = median(xs.map((x) => x.rate));
    const cpuUs = median(xs.map((x) => x.cpuUs));
    const targetsUs = median(xs.map((x) => x.targetsUs));
    // Each side has one core: the slower side per exchange bounds the rate on an otherwise idle machine.
    const ceiling = 1e6 / Math.max(cpuUs, targetsUs);
    console.log(
      `REPLAY SPEED${dists.length > 1 ? ` [${dist}]` : ''} (median of ${xs.length}): ${Math.round(rate)} exchanges/s = ${Math.round(3 * rate)} replayed requests/s ` +
        `(target >= 5,000 exchanges/s: ${rate >= 5000 ? 'met' : 'not met'}); verify CPU ${cpuUs.toFixed(0)} µs per exchange, targets ${targetsUs.toFixed(0)} µs; ` +
        `CPU ceiling with a core each ${Math.round(ceiling)} exchanges/s`,
    );
  }
} finally {
  for (const t of targets) t.kill();
}
