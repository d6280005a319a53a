// Breakdown of one callgrind dump of a bench peer (bench/profile/instructions.sh):
// instructions per request by where they run (node's HTTP layer, streams,
// llhttp, V8, GC, the framework, the app...), then the top functions.
// JIT-compiled JavaScript is named from V8's perf map.
//
//   node bench/profile/categorize.mjs DUMP PERF_MAP REQUESTS [TOP]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const [dump, mapFile, requestsArg, topArg] = process.argv.slice(2);
if (!dump || !mapFile || !requestsArg) {
  console.error('usage: node bench/profile/categorize.mjs DUMP PERF_MAP REQUESTS [TOP]');
  process.exit(2);
}
const requests = Number(requestsArg);
const top = Number(topArg ?? 25);
// INCLUSIVE=1: also list the JavaScript functions with the most inclusive cost (what runs under them).
const inclusive = process.env.INCLUSIVE === '1';

const code = readFileSync(mapFile, 'utf8')
  .split('\n')
  .map((line) => /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line))
  .filter(Boolean)
  .map((m) => [parseInt(m[1], 16), parseInt(m[2], 16), m[3]])
  .sort((a, b) => a[0] - b[0]);

function jsName(address) {
  let lo = 0;
  let hi = code.length - 1;
  let best = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (code[mid][0] <= address) {
      best = code[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best && address < best[0] + best[1] ? best[2] : 'unnamed JIT code';
}

const annotated = execFileSync('callgrind_annotate', ['--threshold=100', dump], { maxBuffer: 1 << 28 }).toString();
const byFunction = new Map();
let total = 0;
for (const line of annotated.split('\n')) {
  const m = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/.exec(line);
  if (!m) continue;
  const count = Number(m[1].replace(/,/g, ''));
  if (m[2].includes('PROGRAM TOTALS')) {
    total = count;
    continue;
  }
  const jit = /\?\?\?:0x([0-9a-f]+)/.exec(m[2]);
  const name = (jit ? 'JS ' + jsName(parseInt(jit[1], 16)) : m[2])
    .replace(/^\?\?\?:/, '')
    .replace(/ \[\/usr\/bin\/node\]$/, '')
    .replace(/file:\/\/\/\S*?\/(runtime|bench)\//, '$1/')
    .replace(/^JS JS:\*?/, 'JS ')
    .replace(/'\d+$/, '');
  byFunction.set(name, (byFunction.get(name) ?? 0) + count);
}

function category(name) {
  if (name.startsWith('JS ')) {
    if (/ runtime\//.test(name)) return 'framework JS (runtime/)';
    if (/bench\/(peers|profile)\//.test(name)) return 'app JS (the peer: routing, middleware, handler)';
    if (/node_modules/.test(name)) return 'framework JS (node_modules)';
    if (/_http_/.test(name)) return "node's HTTP layer (JS: _http_server, _http_outgoing...)";
    if (/streams|stream_base|node:net/.test(name)) return 'streams and net (JS)';
    if (/task_queues|async_hooks|node:events|timers|promises/.test(name)) return 'event emitters, nextTick, timers (JS)';
    if (/^JS RegExp/.test(name)) return 'regular expressions (header checks)';
    return 'other JIT code (V8 stubs, node internals)';
  }
  if (/llhttp/.test(name)) return 'llhttp (the HTTP parser)';
  if (/^Builtins_/.test(name)) {
    if (/Promise|Microtask|Async|Await/.test(name)) return 'promises and microtasks (V8 builtins)';
    if (/RegExp/.test(name)) return 'regular expressions (header checks)';
    return 'V8 builtins (property access, strings, objects, calls)';
  }
  if (/Scaveng|Heap::|IterateObjectCache|Mark|Sweep|Evacuat|MemoryChunk|Factory::Allocate|RootVisitor|GCTracer/.test(name)) return 'garbage collection and allocation';
  if (/Json/.test(name)) return 'JSON.stringify';
  if (/v8::internal::compiler/.test(name)) return 'optimising compiler';
  if (/^node::/.test(name)) return 'node C++ (parser binding, stream wraps, callbacks)';
  if (/^v8::/.test(name)) return 'V8 C++ (API calls from node, runtime functions)';
  if (/libc|malloc|memcpy|memmove|memset|str/.test(name)) return 'libc (malloc, memcpy)';
  if (/uv_|uv__/.test(name)) return 'libuv';
  return 'other native code';
}

const byCategory = new Map();
for (const [name, count] of byFunction) {
  const c = category(name);
  byCategory.set(c, (byCategory.get(c) ?? 0) + count);
}
const per = (count) => (count / requests).toFixed(0).padStart(7);
console.log(`${per(total)}  instructions per request (100%)`);
for (const [c, count] of [...byCategory].sort((a, b) => b[1] - a[1])) {
  console.log(`${per(count)}  ${((100 * count) / total).toFixed(1).padStart(5)}%  ${c}`);
}
if (inclusive) {
  const text = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', dump], { maxBuffer: 1 << 28 }).toString();
  console.log('--- inclusive, JavaScript');
  let shown = 0;
  for (const line of text.split('\n')) {
    const m = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+\?\?\?:0x([0-9a-f]+)/.exec(line);
    if (!m || shown++ >= top) continue;
    console.log(`${per(Number(m[1].replace(/,/g, '')))}  ${jsName(parseInt(m[2], 16)).replace(/file:\/\/\/\S*?\/(runtime|bench)\//, '$1/').slice(0, 110)}`);
  }
}
console.log(`--- top ${top} functions`);
for (const [name, count] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${per(count)}  ${category(name).padEnd(34).slice(0, 34)}  ${name.slice(0, 110)}`);
}
