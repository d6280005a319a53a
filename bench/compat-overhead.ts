/**
 * What mountExpress costs a request the legacy Express app answers: the
 * same Express app alone, behind the runtime through mountExpress (no
 * response middleware: Express writes straight to the socket), and behind
 * the runtime with one response middleware (Express's output is captured so
 * the hook applies). autocannon against each in turn, alternating rounds,
 * then the req/s ratios. Budget: at most 10% (ratio >= 0.909). Not part of
 * `npm test`; targets 127.0.0.1 only and stops by itself.
 *
 * Second pair, what a migrated app keeps on the bridge: the usual
 * ecosystem stack (helmet, morgan, compression, cors) in front of a JSON
 * route, as an Express app and as runtime request middleware through one
 * fromExpress each with the route native. Reported as a ratio over the
 * Express app (above 1: the migrated app needs less).
 *
 * It compiles the sources once into .expressway/bench-compat (git-ignored).
 *
 *   taskset -c 1 npx tsx bench/compat-overhead.ts [--duration 10] [--rounds 3] [--connections 50]
 *
 * The servers run in child processes pinned to core 0 (`taskset -c 0`)
 * when taskset exists; run this script itself on core 1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Args {
  duration: number;
  rounds: number;
  connections: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { duration: 10, rounds: 3, connections: 50 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!.replace(/^--/, '') as keyof Args;
    const value = Number(argv[i + 1]);
    if (!(key in args) || !Number.isInteger(value) || value <= 0) {
      console.error(`compat-overhead: unknown or bad option ${argv[i]} ${argv[i + 1] ?? ''} (expected --duration, --rounds, --connections with positive integers)`);
      process.exit(2);
    }
    args[key] = value;
  }
  return args;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const pin = spawnSync('taskset', ['--version']).status === 0 ? ['taskset', '-c', '0'] : [];

/** One Express app, a typical legacy service: a few middleware, routes with params, a JSON answer. */
const SERVER = `
import express from 'express';
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/package.json');
const mode = process.argv[1];
const app = express();
app.use((req, res, next) => { res.locals.requestStart = Date.now(); next(); });
app.get('/health', (req, res) => res.send('ok'));
app.get('/users/:id', (req, res) => res.json({ id: req.params.id, name: 'Ada Lovelace', email: 'ada@example.com', roles: ['admin', 'dev'], active: true }));
app.post('/users', (req, res) => res.status(201).json({}));
let url;
const stack = () => {
  const { Writable } = require('node:stream');
  const sink = new Writable({ write(chunk, encoding, done) { done(); } });
  return [require('helmet')(), require('morgan')('combined', { stream: sink }), require('compression')({ threshold: 1024 }), require('cors')({ origin: ['https://app.example'], credentials: true })];
};
const user = (id) => ({ id, name: 'Ada Lovelace', email: 'ada@example.com', roles: ['admin', 'dev'], active: true });
if (mode === 'express-stack') {
  const legacy = express();
  legacy.disable('x-powered-by');
  for (const mw of stack()) legacy.use(mw);
  legacy.get('/users/:id', (req, res) => res.json(user(req.params.id)));
  const server = legacy.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  server.keepAliveTimeout = 10000;
  url = 'http://127.0.0.1:' + server.address().port;
} else if (mode === 'from-express-stack') {
  const build = process.argv[2];
  const { Server } = await import(build + '/runtime/index.js');
  const { fromExpress } = await import(build + '/compat/index.js');
  const runtime = new Server({ keepAliveTimeout: 10000 });
  for (const mw of stack()) runtime.requestMiddleware(fromExpress(mw));
  runtime.get('/users/{id}', (ctx) => ctx.json(user(ctx.params.id)));
  const running = await runtime.listen({ port: 0, host: '127.0.0.1' });
  url = running.url;
} else if (mode === 'express') {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  server.keepAliveTimeout = 10000;
  url = 'http://127.0.0.1:' + server.address().port;
} else {
  const build = process.argv[2];
  const { Server } = await import(build + '/runtime/index.js');
  const { mountExpress } = await import(build + '/compat/index.js');
  const runtime = new Server({ keepAliveTimeout: 10000 });
  runtime.get('/migrated/{id}', (ctx) => ctx.json({ id: ctx.params.id }));
  if (mode === 'mount-hooks') runtime.responseMiddleware((ctx) => ctx.setHeader('x-served-by', 'expressway'));
  runtime.requestMiddleware(mountExpress(app));
  const running = await runtime.listen({ port: 0, host: '127.0.0.1' });
  url = running.url;
}
process.on('message', (m) => { if (m === 'cpu') { const u = process.cpuUsage(); process.send({ cpu: u.user + u.system }); } });
console.log('READY ' + url);
`;

const children: ChildProcess[] = [];

interface Started {
  url: string;
  /** CPU time (µs, user + system) the server process has used so far. */
  cpu: () => Promise<number>;
}

/**
 * The servers run the compiled JavaScript, as users do: under tsx every
 * closure pays esbuild's keepNames helper, which would bill the runtime
 * side for a cost the published package does not have.
 */
function compile(): string {
  const out = join(root, '.expressway', 'bench-compat');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--outDir', out, '--declaration', 'false', '--sourceMap', 'false'], { cwd: root, stdio: 'inherit' });
  if (!existsSync(join(out, 'compat', 'index.js'))) throw new Error(`compiling to ${out} failed (tsc exit ${r.status})`);
  return pathToFileURL(out).href;
}

function startServer(mode: string, build: string): Promise<Started> {
  const [cmd, ...rest] = [...pin, process.execPath, '--input-type=module', '-e', SERVER, mode, build];
  const child = spawn(cmd!, rest, { cwd: root, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  children.push(child);
  let out = '';
  const cpu = () =>
    new Promise<number>((resolve) => {
      child.once('message', (m) => resolve((m as { cpu: number }).cpu));
      child.send('cpu');
    });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, cpu });
    });
    child.on('exit', (code) => reject(new Error(`${mode} server exited with ${code}: ${out}`)));
  });
}

type Autocannon = (opts: object, cb: (err: Error | null, result: { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number }) => void) => unknown;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface Measured {
  rps: number;
  /** Server CPU µs per request: robust on a shared machine, where req/s drifts with other load. */
  cpuPerRequest: number;
  p50: number;
  p99: number;
  bad: number;
}

async function load(server: Started, args: Args): Promise<Measured> {
  const before = await server.cpu();
  const result = await new Promise<Parameters<Parameters<Autocannon>[1]>[1]>((resolve, reject) => {
    autocannon({ url: `${server.url}/users/42`, connections: args.connections, duration: args.duration, pipelining: 1, headers: { origin: 'https://app.example' } }, (err, r) => (err ? reject(err) : resolve(r)));
  });
  const used = (await server.cpu()) - before;
  return {
    rps: result.requests.average,
    cpuPerRequest: used / Math.max(1, result.requests.total),
    p50: result.latency.p50,
    p99: result.latency.p99,
    bad: result.non2xx + result.errors,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const modes = ['express', 'mount', 'mount-hooks', 'express-stack', 'from-express-stack'] as const;
  const servers: Record<string, Started> = {};
  const build = compile();
  for (const mode of modes) servers[mode] = await startServer(mode, build);
  const totals: Record<string, number[]> = Object.fromEntries(modes.map((m) => [m, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(modes.map((m) => [m, []]));
  // Warm-up: JIT and connection setup for every side before measuring.
  for (const mode of modes) await load(servers[mode]!, { ...args, duration: 2 });
  for (let round = 1; round <= args.rounds; round++) {
    // Rotate the order each round so every side is first, middle and last equally often.
    const order = modes.map((_, i) => modes[(i + round) % modes.length]!);
    for (const mode of order) {
      const r = await load(servers[mode]!, args);
      if (r.bad > 0) throw new Error(`${mode}: ${r.bad} non-2xx answers or errors`);
      totals[mode]!.push(r.rps);
      cpu[mode]!.push(r.cpuPerRequest);
      console.log(`round ${round} ${mode.padEnd(18)} ${r.rps.toFixed(0).padStart(7)} req/s  ${r.cpuPerRequest.toFixed(1).padStart(6)} µs CPU/request  p50 ${r.p50} ms  p99 ${r.p99} ms`);
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = mean(totals.express!);
  const baseCpu = median(cpu.express!);
  for (const mode of ['mount', 'mount-hooks'] as const) {
    const label = mode === 'mount' ? 'mountExpress' : 'mountExpress + response middleware';
    const ratio = mean(totals[mode]!) / base;
    const cpuCost = (median(cpu[mode]!) / baseCpu - 1) * 100;
    console.log(`${label}: req/s ${(ratio * 100).toFixed(1)}% of Express alone; server CPU per request +${cpuCost.toFixed(1)}% (budget 10%)`);
  }
  const stackRatio = mean(totals['from-express-stack']!) / mean(totals['express-stack']!);
  const stackCpu = median(cpu['express-stack']!) / median(cpu['from-express-stack']!);
  console.log(`helmet+morgan+compression+cors through fromExpress, route native: req/s ${stackRatio.toFixed(2)}x the Express app; server CPU per request ${stackCpu.toFixed(2)}x less`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill('SIGTERM');
  });
