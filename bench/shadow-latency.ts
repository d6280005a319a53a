/**
 * What the shadow proxy adds to client latency at a fixed request rate.
 *
 * An open-loop load generator sends one GET every 1/rate seconds, on a
 * schedule, whatever the answers do (a pool of keep-alive sockets large
 * enough that no request waits for one), and measures each answer from the
 * time its request was due, so a stall shows in full (no coordinated
 * omission). autocannon's `overallRate` is not used: it sends each second's
 * quota back to back at the start of the second, which measures queueing at
 * full speed, not latency at a rate.
 *
 * Each round measures the primary directly, then through the proxy (one per
 * build given), alternating. Scenarios: the candidate healthy (every GET
 * mirrored and compared), the candidate hanging (accepts connections and
 * never answers: mirror requests time out until the circuit breaker opens),
 * the candidate refusing connections (nothing listens on its port), and no
 * mirror (the proxy's hop alone). Not part of `npm test`; targets 127.0.0.1
 * only and stops by itself.
 *
 * Besides the clients' latency, which a shared machine blurs, each proxied
 * round reports what the proxy's own event loop went through: its delay
 * (monitorEventLoopDelay, 1 ms resolution: p99 and max of the round) and
 * the time spent in GC, so scenarios can be compared by their cause.
 *
 *   npm run build && npx tsx bench/shadow-latency.ts [--rate 1000] [--duration 10] [--rounds 3] [--sockets 64] [--proxy-core 0]
 *
 * Pinning (taskset, when present): the primary, the candidates and the
 * proxy run in child processes on core 0 (`--proxy-core 1` moves the proxy
 * to the load generator's core); this process, the load generator, pins
 * itself to core 1. The proxy is the build in dist/ (what the CLI runs);
 * EXW_SHADOW_MODULE=a.js,b.js measures other builds of shadow-proxy side by
 * side (before/after); EXW_CPU_PROF=<dir> writes CPU profiles of the proxies there.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Pool } from 'undici';

interface Args {
  rate: number;
  duration: number;
  rounds: number;
  sockets: number;
  'proxy-core': number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { rate: 1000, duration: 10, rounds: 3, sockets: 64, 'proxy-core': 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!.replace(/^--/, '') as keyof Args;
    const value = Number(argv[i + 1]);
    const ok = key in args && Number.isFinite(value) && (key === 'proxy-core' ? value === 0 || value === 1 : value > 0);
    if (!ok) throw new Error(`unknown or bad option ${argv[i]} ${argv[i + 1] ?? ''} (see the comment at the top of bench/shadow-latency.ts)`);
    args[key] = value;
  }
  return args;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const pinTo = (core: number) => (hasTaskset ? ['taskset', '-c', String(core)] : []);
// The load generator (this process, all its threads) on core 1, whatever the command line did.
if (hasTaskset) spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
/**
 * Builds of the proxy to compare (paths to shadow-proxy modules), else this
 * checkout's build: what `expressway shadow` runs. A .ts module runs through
 * tsx, whose output names every function at creation (a defineProperty per
 * closure, per request), which the built JavaScript does not do.
 */
const proxyModules = (process.env.EXW_SHADOW_MODULE ?? './dist/verify/shadow-proxy.js').split(',');
for (const m of proxyModules) {
  if (!existsSync(resolve(root, m))) throw new Error(`${m} does not exist: run \`npm run build\` first, or set EXW_SHADOW_MODULE`);
}

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
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log('READY http://127.0.0.1:' + server.address().port));
`;

const PROXY = `
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
const [primary, candidate, module, methods] = process.argv.slice(1);
const { startShadow } = await import(module);
const proxy = await startShadow({ primary, candidate, mirrorTimeoutMs: 1000, methods: methods.split(',') });
// The proxy's event loop during a round: SIGUSR2 starts a window, the next one reports and closes it.
const loop = monitorEventLoopDelay({ resolution: 1 });
let gcMs = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) gcMs += e.duration; }).observe({ entryTypes: ['gc'] });
let windowStart;
process.on('SIGUSR2', () => {
  if (windowStart === undefined) {
    loop.reset();
    loop.enable();
    gcMs = 0;
    windowStart = performance.now();
    console.log('WINDOW started');
    return;
  }
  loop.disable();
  const seconds = (performance.now() - windowStart) / 1000;
  windowStart = undefined;
  // The histogram counts whole intervals between its 1 ms ticks: the delay is what exceeds the resolution.
  const delay = (ns) => Math.max(0, ns / 1e6 - 1);
  console.log('WINDOW ' + JSON.stringify({ loopP99: delay(loop.percentile(99)), loopMax: delay(loop.max), gcMsPerS: gcMs / seconds }));
});
console.log('READY ' + proxy.url);
process.on('SIGTERM', async () => {
  const s = proxy.stats();
  console.log('STATS ' + JSON.stringify({ requests: s.requests, compared: s.mirror.compared, dropped: s.mirror.dropped, shed: s.mirror.shed, lost: s.mirror.lost, candidateErrors: s.candidateErrors, breaker: s.mirror.breaker }));
  await proxy.stop();
  process.exit(0);
});
`;

const children: ChildProcess[] = [];

function startChild(core: number, args: string[]): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const [cmd, ...rest] = [...pinTo(core), process.execPath, ...args];
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

/** User + system CPU seconds of a child (taskset execs, so its pid is node's). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

interface Sample {
  p50: number;
  p99: number;
  p999: number;
  max: number;
  sent: number;
  errors: number;
  /** p99 of how late the generator sent (its own timer jitter, the same for both sides). */
  sendLagP99: number;
  /** The proxy's CPU per request, µs (proxied samples only). */
  proxyCpuUs?: number;
  /** The proxy's event loop during the round (proxied samples only). */
  proxyLoop?: ProxyWindow;
}

interface ProxyWindow {
  /** Event-loop delay p99 and max, ms beyond the 1 ms resolution. */
  loopP99: number;
  loopMax: number;
  gcMsPerS: number;
}

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

/**
 * Open-loop load: request i is due at start + i / rate; a 1 ms timer sends
 * every request that is due. Latency runs from the due time to the answer's end.
 */
async function load(url: string, args: Args, seconds: number): Promise<Sample> {
  const pool = new Pool(url, { connections: args.sockets, pipelining: 1, keepAliveTimeout: 60_000 });
  const total = Math.round(args.rate * seconds);
  const interval = 1000 / args.rate;
  const latencies = new Float64Array(total);
  const lags = new Float64Array(total);
  let answered = 0;
  let errors = 0;
  let sent = 0;
  const start = performance.now() + 20;
  await new Promise<void>((resolve) => {
    const finish = () => {
      if (++answered === total) resolve();
    };
    const send = (i: number, due: number) => {
      lags[i] = performance.now() - due;
      pool.dispatch(
        { method: 'GET', path: '/users/17', headers: ['accept', 'application/json'] },
        {
          onConnect: () => undefined,
          onHeaders: (status: number) => {
            if (status !== 200) errors++;
            return true;
          },
          onData: () => true,
          onComplete: () => {
            latencies[i] = performance.now() - due;
            finish();
          },
          onError: () => {
            errors++;
            latencies[i] = performance.now() - due;
            finish();
          },
        },
      );
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        send(sent, start + sent * interval);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    setTimeout(tick, 20);
  });
  await pool.close();
  const sorted = latencies.sort();
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted[sorted.length - 1]!,
    sent: total,
    errors,
    sendLagP99: percentile(lags.sort(), 99),
  };
}

const fmt = (n: number) => n.toFixed(3);

interface Proxied {
  module: string;
  url: string;
  child: ChildProcess;
  output: () => string;
}

interface ScenarioResult {
  name: string;
  direct: Sample[];
  proxied: Map<string, Sample[]>;
}

async function scenario(name: string, primaryUrl: string, candidateUrl: string, args: Args, methods = 'GET,HEAD,OPTIONS'): Promise<ScenarioResult> {
  const proxies: Proxied[] = [];
  for (const module of proxyModules) {
    const prof = process.env.EXW_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.EXW_CPU_PROF] : [];
    const loader = module.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const p = await startChild(args['proxy-core'], [...prof, ...loader, '--input-type=module', '-e', PROXY, primaryUrl, candidateUrl, pathToFileURL(resolve(root, module)).href, methods]);
    proxies.push({ module, ...p });
  }
  // Warm every path (JIT, keep-alive sockets) before measuring.
  await load(primaryUrl, args, 2);
  for (const p of proxies) await load(p.url, args, 2);
  const direct: Sample[] = [];
  const proxied = new Map<string, Sample[]>(proxies.map((p) => [p.module, []]));
  for (let round = 1; round <= args.rounds; round++) {
    const d = await load(primaryUrl, args, args.duration);
    direct.push(d);
    let line = `${name} round ${round}: direct p50 ${fmt(d.p50)} p99 ${fmt(d.p99)} ms`;
    for (const p of proxies) {
      const before = cpuSeconds(p.child.pid);
      await proxyWindow(p);
      const s = await load(p.url, args, args.duration);
      s.proxyLoop = await proxyWindow(p);
      s.proxyCpuUs = ((cpuSeconds(p.child.pid) - before) * 1e6) / s.sent;
      proxied.get(p.module)!.push(s);
      line +=
        ` | ${proxies.length > 1 ? `${p.module} ` : ''}proxy p50 ${fmt(s.p50)} p99 ${fmt(s.p99)} ms, proxy CPU ${s.proxyCpuUs.toFixed(0)} µs/req,` +
        ` proxy loop delay p99 ${fmt(s.proxyLoop!.loopP99)} max ${fmt(s.proxyLoop!.loopMax)} ms, GC ${s.proxyLoop!.gcMsPerS.toFixed(1)} ms/s`;
    }
    process.stderr.write(line + '\n');
  }
  for (const p of proxies) {
    p.child.kill('SIGTERM');
    await new Promise((r) => p.child.once('exit', r));
    process.stderr.write(`${name} ${p.module} ${/STATS (.*)/.exec(p.output())?.[1] ?? ''}\n`);
  }
  return { name, direct, proxied };
}

/** Starts or ends (and returns) the proxy's event-loop window: SIGUSR2, answered on its stdout. */
async function proxyWindow(p: Proxied): Promise<ProxyWindow | undefined> {
  const seen = p.output().length;
  p.child.kill('SIGUSR2');
  for (let waited = 0; waited < 5000; waited += 5) {
    const m = /WINDOW (.+)/.exec(p.output().slice(seen));
    if (m) return m[1] === 'started' ? undefined : (JSON.parse(m[1]!) as ProxyWindow);
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`proxy ${p.module} did not answer SIGUSR2`);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const primary = await startChild(0, ['-e', SERVICE]);
  const candidate = await startChild(0, ['-e', SERVICE]);
  const hanging = await startChild(0, ['-e', SERVICE, 'hang']);
  const refusing = await unusedPortUrl();
  const results = [
    await scenario('candidate healthy', primary.url, candidate.url, args),
    await scenario('candidate hanging', primary.url, hanging.url, args),
    await scenario('candidate refusing', primary.url, refusing, args),
    // The proxy's own cost, for comparison: GETs are not mirrored (only POST would be).
    await scenario('no mirror', primary.url, candidate.url, args, 'POST'),
  ];
  const pins = hasTaskset ? `primary, candidates on core 0, proxy on core ${args['proxy-core']}, load generator on core 1` : 'unpinned (no taskset)';
  console.log(`\nshadow proxy added latency, open loop at ${args.rate} req/s (latency from each request's due time), ${args.rounds} x ${args.duration}s per side, median of rounds; ${pins}`);
  console.log('scenario            | build                          | direct p50 | proxy p50 | direct p99 | proxy p99 | added p50 | added p99 | proxy CPU/req | proxy loop p99 | loop max | GC ms/s | errors');
  const verdicts: string[] = [];
  for (const r of results) {
    const dp50 = median(r.direct.map((s) => s.p50));
    const dp99 = median(r.direct.map((s) => s.p99));
    for (const [module, samples] of r.proxied) {
      const pp50 = median(samples.map((s) => s.p50));
      const pp99 = median(samples.map((s) => s.p99));
      const cpu = median(samples.map((s) => s.proxyCpuUs ?? NaN));
      const loopP99 = median(samples.map((s) => s.proxyLoop?.loopP99 ?? NaN));
      const loopMax = median(samples.map((s) => s.proxyLoop?.loopMax ?? NaN));
      const gc = median(samples.map((s) => s.proxyLoop?.gcMsPerS ?? NaN));
      const errors = [...r.direct, ...samples].reduce((n, s) => n + s.errors, 0);
      console.log(
        `${r.name.padEnd(19)} | ${module.slice(-30).padEnd(30)} | ${fmt(dp50).padStart(10)} | ${fmt(pp50).padStart(9)} | ${fmt(dp99).padStart(10)} | ${fmt(pp99).padStart(9)} | ${fmt(pp50 - dp50).padStart(9)} | ${fmt(pp99 - dp99).padStart(9)} | ${`${cpu.toFixed(0)} µs`.padStart(13)} | ${fmt(loopP99).padStart(14)} | ${fmt(loopMax).padStart(8)} | ${gc.toFixed(1).padStart(7)} | ${errors}`,
      );
      verdicts.push(`${r.name}${proxyModules.length > 1 ? ` (${module})` : ''} ${pp99 - dp99 >= 0 ? '+' : ''}${fmt(pp99 - dp99)} ms`);
    }
  }
  const lag = median(results.flatMap((r) => r.direct.map((s) => s.sendLagP99)));
  console.log(`load generator send lag p99 (its own timer jitter, both sides alike): ${fmt(lag)} ms`);
  console.log(`ADDED P99 at ${args.rate} req/s: ${verdicts.join('; ')} (target <= 1 ms)`);
}

/** A URL nobody listens on (connections are refused): listen on a free port, note it, close. */
function unusedPortUrl(): Promise<string> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });
