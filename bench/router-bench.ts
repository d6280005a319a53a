/**
 * Route tree micro-benchmark: ns per `find` over 10, 100 and 1000 routes, to
 * show lookups stay flat as the table grows. Not part of `npm test`.
 *
 *   npx tsx bench/router-bench.ts            (or node dist/bench/router-bench.js after a build)
 *   taskset -c 0 npx tsx bench/router-bench.ts   for steadier numbers
 *
 * For scale, the same lookups run against find-my-way (Fastify's router)
 * when it is installed (it comes with the fastify devDependency).
 */
import { RouteTree } from '../runtime/router.js';

interface Lookup {
  name: string;
  method: string;
  /** Our path syntax and the find-my-way one differ only in the patterns. */
  path: string;
}

type Finder = (method: string, path: string) => unknown;

const RESOURCES = ['users', 'posts', 'orders', 'items', 'teams', 'files', 'tags', 'carts', 'pages', 'notes'];

/** `count` routes in the shapes a real API has: static lists, params, nesting, a regex, a tail. */
function routeTable(count: number): Array<[method: string, ours: string, fmw: string]> {
  const routes: Array<[string, string, string]> = [];
  for (let i = 0; routes.length < count; i++) {
    const r = `${RESOURCES[i % RESOURCES.length]}${Math.floor(i / RESOURCES.length)}`;
    routes.push(['GET', `/api/${r}`, `/api/${r}`]);
    routes.push(['GET', `/api/${r}/{id}`, `/api/${r}/:id`]);
    routes.push(['POST', `/api/${r}`, `/api/${r}`]);
    routes.push(['GET', `/api/${r}/{id}/children/{childId}`, `/api/${r}/:id/children/:childId`]);
    routes.push(['GET', `/api/${r}/by-number/{n:\\d+}`, `/api/${r}/by-number/:n(^\\d+$)`]);
    routes.push(['GET', `/static/${r}/{path:.+}`, `/static/${r}/*`]);
  }
  return routes.slice(0, count);
}

/** Lookups aimed at the middle of the table, so a linear scan would show. */
function lookups(count: number): Lookup[] {
  const i = Math.floor(count / 12);
  const r = `${RESOURCES[i % RESOURCES.length]}${Math.floor(i / RESOURCES.length)}`;
  return [
    { name: 'static hit', method: 'GET', path: `/api/${r}` },
    { name: 'param hit', method: 'GET', path: `/api/${r}/12345` },
    { name: 'two params', method: 'GET', path: `/api/${r}/12345/children/abc` },
    { name: 'not found', method: 'GET', path: `/nothing/here/at/all` },
    { name: '405', method: 'DELETE', path: `/api/${r}` },
  ];
}

/** Best of three timed runs after a warm-up: on a shared machine the minimum is the least disturbed. */
function nsPerOp(find: Finder, lookup: Lookup, iterations: number): number {
  let sink = 0;
  for (let i = 0; i < iterations / 10; i++) sink += find(lookup.method, lookup.path) ? 1 : 0;
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink += find(lookup.method, lookup.path) ? 1 : 0;
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  if (sink === -1) console.log('unreachable');
  return best;
}

async function findMyWayFinder(routes: Array<[string, string, string]>): Promise<Finder | null> {
  try {
    const mod = (await import('find-my-way' as string)) as { default: (opts: object) => FindMyWay };
    const router = mod.default({ ignoreTrailingSlash: true, caseSensitive: false });
    for (const [method, , pattern] of routes) router.on(method, pattern, () => {});
    return (method, path) => router.find(method, path);
  } catch {
    return null;
  }
}

interface FindMyWay {
  on(method: string, path: string, handler: () => void): void;
  find(method: string, path: string): unknown;
}

async function main(): Promise<void> {
  const iterations = Number(process.env.ROUTER_BENCH_ITERATIONS ?? 1_000_000);
  const rows: string[][] = [];
  for (const count of [10, 100, 1000]) {
    const routes = routeTable(count);
    const tree = new RouteTree<number>();
    routes.forEach(([method, pattern], i) => tree.add(method, pattern, i));
    const ours: Finder = (method, path) => tree.find(method, path);
    const fmw = await findMyWayFinder(routes);
    for (const lookup of lookups(count)) {
      const row = [String(count), lookup.name, nsPerOp(ours, lookup, iterations).toFixed(0)];
      row.push(fmw ? nsPerOp(fmw, lookup, iterations).toFixed(0) : '-');
      rows.push(row);
    }
  }
  const header = ['routes', 'lookup', 'RouteTree ns/op', 'find-my-way ns/op'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(`node ${process.version}, best of 3 x ${iterations} lookups per cell`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

await main();
