// Measures replay-with-diff throughput (not a test): writes N exchanges over
// a few routes, runs `expressway verify` against two command targets (the
// pair app, baseline variant on both sides, noise included) and prints
// exchanges per second. Each exchange is three HTTP requests.
//   npm run build && node verify/__testfixtures__/replay-speed.mjs [N] [concurrency]
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const n = Number(process.argv[2] ?? 50_000);
const concurrency = process.argv[3] ?? '64';
const root = fileURLToPath(new URL('../..', import.meta.url));
const app = join(root, 'verify/__testfixtures__/pair-app.mjs');
const dir = mkdtempSync(join(tmpdir(), 'exw-speed-'));
const urls = ['/users/1', '/users/2', '/same', '/noise', '/items', '/profile'];
const lines = [];
for (let i = 0; i < n; i++) lines.push(JSON.stringify({ v: 1, id: `s${i}`, ts: '2026-01-01T00:00:00Z', request: { method: 'GET', url: urls[i % urls.length], headers: { accept: 'application/json' } } }));
writeFileSync(join(dir, 't.ndjson'), lines.join('\n') + '\n');
const cmd = `node ${app} baseline`;
const args = [join(root, 'dist/cli/main.js'), 'verify', '--baseline', cmd, '--candidate', cmd, '--traffic', join(dir, 't.ndjson'), '--out', dir, '--concurrency', concurrency, '--quiet'];
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
const seconds = report.durationMs / 1000;
console.log(`exit ${r.status}; ${report.totals.compared} exchanges compared (${report.totals.compared * 3} HTTP requests) in ${seconds.toFixed(2)} s = ${Math.round(report.totals.compared / seconds)} exchanges/s; parity ${report.totals.parity}%`);
