/**
 * What the shadow proxy adds to client latency: autocannon at a fixed rate
 * (default 1,000 req/s) straight at the primary, then through the proxy
 * (mirroring every GET to the candidate), alternating direct, proxy, direct,
 * proxy, and the p50/p99 differences. A second scenario puts a candidate that
 * never answers behind the proxy: clients must not notice. A third mirrors
 * nothing, which separates the proxy's own hop from the mirror's cost. Not part of
 * `npm test`; targets 127.0.0.1 only and stops by itself.
 *
 *   taskset -c 1 npx tsx bench/shadow-latency.ts [--rate 1000] [--duration 10] [--rounds 3]
 *
 * The primary, the candidate and the proxy run in child processes, pinned to
 * core 0 when taskset exists; the script pins itself (the load) to core 1.
 * EXW_SHADOW_MODULE=path/to/shadow-proxy.ts measures another build (before/after).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

interface Args {
  rate: number;
  duration: number;
  rounds: number;
  connections: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { rate: 1000, duration: 10, rounds: 3, connections: 10 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!.replace(/^--/, '') as keyof Args;
    const value = Number(argv[i + 1]);
    if (!(key in args) || !Number.isFinite(value) || value <= 0) throw new Error(`unknown or bad option ${argv[i]} ${argv[i + 1] ?? ''}`);
    args[key] = value;
  }
  return args;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const hasTaskset = spawnSync('taskset', ['--version']).status === 0;
const pin = hasTaskset ? ['taskset', '-c', '0'] : [];
// The load generator (this process, all its threads) on core 1, whatever the command line did:
// servers and proxy on core 0, load on core 1, so neither steals the other's CPU.
if (hasTaskset) spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
/** Another build of the proxy to compare with (a path to a shadow-proxy module), else this checkout's. */
const proxyModule = process.env.EXW_SHADOW_MODULE ?? './verify/shadow-proxy.ts';

/** A small JSON service, like a typical API answer. */
const SERVICE = `
const http = require('node:http');
const body = JSON.stringify({ id: 17, name: 'Ada Lovelace', email: 'ada@example.com', roles: ['admin', 'dev'], active: true });
const hang = process.argv[1] === 'hang';
const server = http.createServer((req, res) => {
  if (hang) return; // never answers
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 10000;
server.listen(0, '127.0.0.1', () => console.log('READY http://127.0.0.1:' + server.address().port));
`;

const PROXY = `
const [primary, candidate, module, methods] = process.argv.slice(1);
const { startShadow } = await import(module);
const proxy = await startShadow({ primary, candidate, mirrorTimeoutMs: 1000, methods: methods.split(',') });
console.log('READY ' + proxy.url);
process.on('SIGTERM', async () => {
  const s = proxy.stats();
  console.log('STATS ' + JSON.stringify({ requests: s.requests, compared: s.mirror.compared, dropped: s.mirror.dropped, shed: s.mirror.shed, lost: s.mirror.lost }));
  await proxy.stop();
  process.exit(0);
});
`;

const children: ChildProcess[] = [];

function startChild(args: string[]): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const [cmd, ...rest] = [...pin, process.execPath, ...args];
  const child = spawn(cmd!, rest, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, child, output: () => out });
    });
    child.on('exit', (code) => reject(new Error(`child exited with ${code}: ${out}`)));
  });
}

interface Sample {
  p50: number;
  p99: number;
  rps: number;
  errors: number;
}

type Autocannon = (
  opts: Record<string, unknown>,
  cb: (err: Error | null, result: { errors: number; timeouts: number; non2xx: number; duration: number }) => void,
) => { on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void };

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function load(url: string, args: Args): Promise<Sample> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: `${url}/users/17`, connections: args.connections, overallRate: args.rate, duration: args.duration },
      (err, result) => {
        if (err) return reject(err);
        const sorted = Float64Array.from(latencies).sort();
        const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
        resolve({ p50: at(50), p99: at(99), rps: latencies.length / result.duration, errors: result.errors + result.timeouts + result.non2xx });
      },
    );
    instance.on('response', (_c, _s, _b, ms) => latencies.push(ms));
  });
}

const fmt = (n: number) => n.toFixed(3);

async function scenario(name: string, primaryUrl: string, candidateUrl: string, args: Args, methods = 'GET,HEAD,OPTIONS'): Promise<{ name: string; direct: Sample[]; proxied: Sample[] }> {
  const proxy = await startChild(['--import', 'tsx', '--input-type=module', '-e', PROXY, primaryUrl, candidateUrl, proxyModule, methods]);
  // Warm both paths (JIT, keep-alive sockets) before measuring.
  await load(primaryUrl, { ...args, duration: 2 });
  await load(proxy.url, { ...args, duration: 2 });
  const direct: Sample[] = [];
  const proxied: Sample[] = [];
  for (let round = 1; round <= args.rounds; round++) {
    direct.push(await load(primaryUrl, args));
    proxied.push(await load(proxy.url, args));
    const d = direct.at(-1)!;
    const p = proxied.at(-1)!;
    process.stderr.write(`${name} round ${round}: direct p50 ${fmt(d.p50)} p99 ${fmt(d.p99)} ms | proxy p50 ${fmt(p.p50)} p99 ${fmt(p.p99)} ms\n`);
  }
  proxy.child.kill('SIGTERM');
  await new Promise((r) => proxy.child.once('exit', r));
  process.stderr.write(`${name} proxy ${/STATS (.*)/.exec(proxy.output())?.[1] ?? ''}\n`);
  return { name, direct, proxied };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const primary = await startChild(['-e', SERVICE]);
  const candidate = await startChild(['-e', SERVICE]);
  const hanging = await startChild(['-e', SERVICE, 'hang']);
  const results = [
    await scenario('candidate healthy', primary.url, candidate.url, args),
    await scenario('candidate hanging', primary.url, hanging.url, args),
    // The proxy's own cost, for comparison: GETs are not mirrored (only POST would be).
    await scenario('no mirror', primary.url, candidate.url, args, 'POST'),
  ];
  console.log(`\nshadow proxy overhead at ${args.rate} req/s, ${args.connections} connections, ${args.rounds} x ${args.duration}s per side (median of rounds)`);
  console.log('scenario            | direct p50 | proxy p50 | direct p99 | proxy p99 | added p99 | errors');
  for (const r of results) {
    const dp50 = median(r.direct.map((s) => s.p50));
    const pp50 = median(r.proxied.map((s) => s.p50));
    const dp99 = median(r.direct.map((s) => s.p99));
    const pp99 = median(r.proxied.map((s) => s.p99));
    const errors = [...r.direct, ...r.proxied].reduce((n, s) => n + s.errors, 0);
    console.log(
      `${r.name.padEnd(19)} | ${fmt(dp50).padStart(10)} | ${fmt(pp50).padStart(9)} | ${fmt(dp99).padStart(10)} | ${fmt(pp99).padStart(9)} | ${fmt(pp99 - dp99).padStart(9)} | ${errors}`,
    );
  }
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });
