/**
 * The scenarios and peers: which peers run which scenario, what is sent,
 * and which peer is the baseline the ratios are taken against.
 */

export const PEER_IDS = ['node-http', 'runtime', 'fastify', 'koa', 'hono', 'express4', 'express5', 'express4-legacy', 'ws'] as const;
export type PeerId = (typeof PEER_IDS)[number];

export const PEER_LABELS: Record<PeerId, string> = {
  'node-http': 'node:http',
  runtime: 'Expressway runtime',
  fastify: 'Fastify 5',
  koa: 'Koa 3',
  hono: 'Hono',
  express4: 'Express 4',
  express5: 'Express 5',
  'express4-legacy': 'Express 4 behind mountExpress',
  ws: 'ws (bare)',
};

export const SCENARIO_IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'm'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** How a scenario loads its peers (one harness module each). */
export type LoadKind = 'http' | 'close' | 'websocket' | 'sse' | 'memory';

export interface HttpRequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Scenario {
  id: ScenarioId;
  title: string;
  kind: LoadKind;
  /** What `rate` counts. */
  unit: 'req/s' | 'msg/s' | 'events/s' | 'MB';
  /** True when a bigger number is better (not for memory). */
  higherIsBetter: boolean;
  peers: readonly PeerId[];
  baseline: PeerId;
  request: HttpRequestSpec;
}

const HTTP_PEERS: readonly PeerId[] = ['node-http', 'runtime', 'fastify', 'koa', 'hono', 'express4', 'express5', 'express4-legacy'];

/** A JSON document of exactly 1,024 bytes, the body of scenario (d). */
export const ECHO_BODY = ((): string => {
  const base = { id: 12345, name: 'benchmark payload', tags: ['a', 'b', 'c'], active: true, note: '' };
  const size = JSON.stringify(base).length;
  return JSON.stringify({ ...base, note: 'x'.repeat(1024 - size) });
})();

/** Idle SSE clients held open in the memory scenario. */
export const IDLE_SSE_CLIENTS = 1_000;
/** SSE clients in scenario (g). */
export const SSE_CLIENTS = 100;

export const SCENARIOS: Record<ScenarioId, Scenario> = {
  a: { id: 'a', title: 'GET / small JSON', kind: 'http', unit: 'req/s', higherIsBetter: true, peers: HTTP_PEERS, baseline: 'node-http', request: { method: 'GET', path: '/' } },
  b: {
    id: 'b',
    title: 'GET /users/{id}, 5 request + 1 response middleware',
    kind: 'http',
    unit: 'req/s',
    higherIsBetter: true,
    peers: HTTP_PEERS,
    baseline: 'node-http',
    request: { method: 'GET', path: '/users/42' },
  },
  c: { id: 'c', title: 'unmatched path (404)', kind: 'http', unit: 'req/s', higherIsBetter: true, peers: HTTP_PEERS, baseline: 'node-http', request: { method: 'GET', path: '/no/such/path' } },
  d: {
    id: 'd',
    title: 'POST /echo, 1 KB JSON body',
    kind: 'http',
    unit: 'req/s',
    higherIsBetter: true,
    peers: HTTP_PEERS,
    baseline: 'node-http',
    request: { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: ECHO_BODY },
  },
  e: {
    id: 'e',
    title: '(b) with Connection: close',
    kind: 'close',
    unit: 'req/s',
    higherIsBetter: true,
    peers: HTTP_PEERS,
    baseline: 'node-http',
    request: { method: 'GET', path: '/users/42', headers: { connection: 'close' } },
  },
  f: { id: 'f', title: 'WebSocket echo', kind: 'websocket', unit: 'msg/s', higherIsBetter: true, peers: ['ws', 'runtime'], baseline: 'ws', request: { method: 'GET', path: '/ws' } },
  g: {
    id: 'g',
    title: `SSE to ${SSE_CLIENTS} clients`,
    kind: 'sse',
    unit: 'events/s',
    higherIsBetter: true,
    peers: ['node-http', 'runtime'],
    baseline: 'node-http',
    request: { method: 'GET', path: '/events' },
  },
  m: {
    id: 'm',
    title: `RSS added by ${IDLE_SSE_CLIENTS.toLocaleString('en-US')} idle SSE clients`,
    kind: 'memory',
    unit: 'MB',
    higherIsBetter: false,
    peers: ['node-http', 'runtime'],
    baseline: 'node-http',
    request: { method: 'GET', path: '/idle' },
  },
};
