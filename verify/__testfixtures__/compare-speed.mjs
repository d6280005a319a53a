// CPU cost of the comparison side of a replay, without HTTP (not a test):
// normalise three answers, compare A/A and A/B, feed the ledger, for N
// exchanges of a realistic JSON answer with two noise fields and a real
// difference on one request in ten.
//   npm run build && node verify/__testfixtures__/compare-speed.mjs [N]
// EXW_DIST=<dir> measures another build (before/after).
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const dist = pathToFileURL(process.env.EXW_DIST ? `${process.env.EXW_DIST}/` : new URL('../../dist/', import.meta.url).pathname).href;
const { compareResponses, compareWithBaseline, createRedactor, RuleSet, DEFAULT_NOISE_THRESHOLDS, buildNormaliser } = await import(`${dist}verify/index.js`);
const { Ledger } = await import(`${dist}verify/ledger.js`);

const N = Number(process.argv[2] ?? 100_000);
const answer = (email) => ({
  status: 200,
  headers: [['Content-Type', 'application/json; charset=utf-8'], ['Cache-Control', 'no-store'], ['X-Powered-By', 'Express'], ['Date', 'x'], ['ETag', 'W/"1"']],
  body: Buffer.from(JSON.stringify({ id: 7, name: 'User 7', email, tags: ['a', 'b', 'c'], nested: { a: 1, b: [1, 2, { c: 3 }] }, ts: String(process.hrtime.bigint()), requestId: randomUUID() })),
});
const ledger = new Ledger({ rules: new RuleSet(), redactor: createRedactor(), noise: DEFAULT_NOISE_THRESHOLDS });
const normaliser = buildNormaliser(['all']);
const options = { headers: ['content-type', 'cache-control', 'location', 'content-encoding'], headerNameCase: false };
const samples = Array.from({ length: 1000 }, (_, i) => [answer('a@x'), answer('a@x'), answer(i % 10 ? 'a@x' : 'b@x')]);
const route = { key: 'GET /users/{id}', method: 'GET', template: '/users/{id}' };
const start = process.cpuUsage();
for (let i = 0; i < N; i++) {
  const [a, b, c] = samples[i % 1000].map((x) => normaliser.apply({ ...x }));
  ledger.sample(route);
  // Builds without compareWithBaseline (before/after runs) compare pair by pair.
  const [aa, ab] = compareWithBaseline ? compareWithBaseline(a, b, c, options) : [compareResponses(a, b, options), compareResponses(a, c, options)];
  ledger.compared({ id: String(i), method: 'GET', url: '/users/7' }, route, aa, ab);
}
const { routes } = ledger.finish();
const cpu = process.cpuUsage(start);
const us = (cpu.user + cpu.system) / N;
console.log(`compare + noise + ledger: ${us.toFixed(1)} µs CPU per exchange (${Math.round(1e6 / us)} exchanges/s on one core); matched ${routes[0].matched}/${routes[0].compared}`);
