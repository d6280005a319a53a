/**
 * A verify report built with the real report-model type and helpers, for the
 * renderer and merge tests: three routes (ready, not ready, not covered),
 * differences of several kinds, a bench, and hostile strings everywhere a
 * value from traffic can land.
 */
import { REPORT_VERSION, finaliseReport, type Report } from '../report-model.js';

export const HOSTILE_BODY = '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
export const HOSTILE_ROUTE = 'GET /search/<b>{q}</b>';

export function buildReport(overrides: Partial<Report> = {}): Report {
  const report: Report = {
    version: REPORT_VERSION,
    tool: 'expressway',
    startedAt: '2026-11-23T10:00:00.000Z',
    finishedAt: '2026-11-23T10:00:12.500Z',
    durationMs: 12_500,
    baseline: { target: 'http://127.0.0.1:3000' },
    candidate: { target: 'node dist/server.js --port 3001 "&<x>"' },
    traffic: { source: 'traffic.ndjson', format: 'ndjson', malformed: 1 },
    thresholds: { minParity: 100, minQpsRatio: 0.9 },
    normalisers: ['x-powered-by', 'date'],
    headers: ['content-type', 'cache-control'],
    totals: undefined as unknown as Report['totals'],
    routes: [
      {
        route: 'GET /users/{id}',
        method: 'GET',
        template: '/users/{id}',
        samples: 40,
        compared: 40,
        matched: 40,
        parity: 0,
        noiseFields: ['/body/requestId', '/headers/date'],
        lost: 0,
        skipped: 0,
        qpsRatio: 1.12,
        latency: { baseline: { rps: 5000, p50: 1.2, p95: 2.5, p99: 4.1 }, candidate: { rps: 5600, p50: 1.0, p95: 2.1, p99: 3.3 } },
        verdict: 'not covered',
      },
      {
        route: 'GET /products',
        method: 'GET',
        template: '/products',
        samples: 20,
        compared: 18,
        matched: 16,
        parity: 0,
        noiseFields: [],
        lost: 2,
        skipped: 0,
        candidateFailures: 2,
        qpsRatio: 0.8,
        latency: { baseline: { rps: 3000, p50: 2.2, p95: 4.5, p99: 9.1 }, candidate: { rps: 2400, p50: 2.9, p95: 6.1, p99: 12.4 } },
        verdict: 'not covered',
      },
      {
        route: HOSTILE_ROUTE,
        method: 'GET',
        template: '/search/<b>{q}</b>',
        samples: 3,
        compared: 1,
        matched: 0,
        parity: 0,
        noiseFields: ['/body/"><svg onload=alert(1)>'],
        lost: 0,
        skipped: 0,
        verdict: 'not covered',
      },
      {
        route: 'POST /orders',
        method: 'POST',
        template: '/orders',
        samples: 5,
        compared: 0,
        matched: 0,
        parity: 0,
        noiseFields: [],
        lost: 0,
        skipped: 5,
        verdict: 'not covered',
      },
    ],
    differences: [
      {
        request: { id: 'r-7', method: 'GET', url: '/products?page=2' },
        route: 'GET /products',
        kind: 'value',
        path: '/body/items/0/price',
        primary: 19.99,
        candidate: 21.5,
      },
      {
        request: { id: 'r-8', method: 'GET', url: '/products?page=3' },
        route: 'GET /products',
        kind: 'header-missing',
        path: '/headers/cache-control',
        primary: 'max-age=60',
      },
      {
        request: { id: 'r-8', method: 'GET', url: '/products?page=3' },
        route: 'GET /products',
        kind: 'extra',
        path: '/body/items/3',
        candidate: { id: 4, name: 'Extra', token: '[REDACTED]' },
      },
      {
        request: { id: 'r-9', method: 'GET', url: '/search/%3Cscript%3E?q=</script>' },
        route: HOSTILE_ROUTE,
        kind: 'text',
        path: '/body',
        primary: `<p>Hello</p>${HOSTILE_BODY}`,
        candidate: '<p>Hello!</p>',
        textDiff: `--- primary\n+++ candidate\n@@ -1 +1 @@\n-<p>Hello</p>${HOSTILE_BODY}\n+<p>Hello!</p>\n`,
      },
      {
        request: { id: 'r-9', method: 'GET', url: '/search/%3Cscript%3E?q=</script>' },
        route: HOSTILE_ROUTE,
        kind: 'status',
        path: '/status',
        primary: 200,
        candidate: 500,
      },
    ],
    lost: [
      { request: { id: 'r-11', method: 'GET', url: '/products?page=9' }, route: 'GET /products', reason: 'timeout', side: 'candidate', message: 'no answer within 5000 ms' },
      { request: { id: 'r-12', method: 'GET', url: '/products?page=10' }, route: 'GET /products', reason: 'connection', side: 'candidate', message: 'ECONNRESET' },
    ],
    skipped: Array.from({ length: 5 }, (_, i) => ({
      request: { id: `w-${i}`, method: 'POST', url: '/orders' },
      route: 'POST /orders',
      reason: 'write-not-allowed' as const,
    })),
    trafficErrors: [{ line: 14, message: 'invalid JSON (Unexpected token < in JSON)</script>' }],
    bench: {
      ratio: 0.96,
      baseline: { rps: 4200, p50: 1.6, p95: 3.2, p99: 6.0 },
      candidate: { rps: 4032, p50: 1.7, p95: 3.6, p99: 7.2 },
      perRoute: [
        { route: 'GET /users/{id}', ratio: 1.12, baseline: { rps: 5000, p50: 1.2, p95: 2.5, p99: 4.1 }, candidate: { rps: 5600, p50: 1.0, p95: 2.1, p99: 3.3 } },
        { route: 'GET /products', ratio: 0.8, baseline: { rps: 3000, p50: 2.2, p95: 4.5, p99: 9.1 }, candidate: { rps: 2400, p50: 2.9, p95: 6.1, p99: 12.4 } },
      ],
    },
    targetErrors: [],
    outcome: 'pass',
    failures: [],
    ...overrides,
  };
  return finaliseReport(report);
}
