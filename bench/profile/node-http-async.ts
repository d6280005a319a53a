/**
 * Scenario (b) on bare node:http written with the same seven `async`
 * functions as the runtime peer (five middleware, the handler, the response
 * middleware), each awaited in order: what the async style costs without
 * any framework. Not a bench peer (it answers only GET /users/{id}); for
 * bench/profile/instructions.sh, next to bench/peers/node-http.ts.
 */
import http, { type ServerResponse } from 'node:http';
import { reportListening } from '../peers/peer-ipc.js';
import { HOST, RESPONSE_HEADER, RESPONSE_HEADER_VALUE, userBody, type BenchState } from '../peers/shared.js';

type Step = (state: BenchState) => Promise<void>;

const middleware: Step[] = [
  async (state) => void (state.a = 1),
  async (state) => void (state.b = 1),
  async (state) => void (state.c = 1),
  async (state) => void (state.d = 1),
  async (state) => void (state.e = 1),
];

async function user(res: ServerResponse, id: string): Promise<void> {
  const state: BenchState = {};
  for (const fn of middleware) await fn(state);
  const body = await (async () => JSON.stringify(userBody(decodeURIComponent(id), state)))();
  await (async () => void res.setHeader(RESPONSE_HEADER, RESPONSE_HEADER_VALUE))();
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (req.method === 'GET' && path.startsWith('/users/') && path.indexOf('/', 7) === -1 && path.length > 7) {
    user(res, path.slice(7)).catch(() => res.destroy());
    return;
  }
  res.writeHead(404).end();
});
server.listen(0, HOST, () => {
  const address = server.address();
  if (address && typeof address === 'object') reportListening(address.port);
});
