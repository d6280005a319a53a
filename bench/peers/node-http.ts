/**
 * The baseline: bare node:http, doing by hand what the frameworks do for
 * scenarios (a)-(e) and (g): split the URL, call five middleware functions,
 * set the response header, writeHead + end. Also the hand-written SSE
 * endpoints the runtime's streams are compared with.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { reportListening } from './peer-ipc.js';
import { HELLO, HOST, RESPONSE_HEADER, RESPONSE_HEADER_VALUE, TICK, userBody, type BenchState } from './shared.js';

type Middleware = (state: BenchState) => void;

const middleware: Middleware[] = [
  (state) => void (state.a = 1),
  (state) => void (state.b = 1),
  (state) => void (state.c = 1),
  (state) => void (state.d = 1),
  (state) => void (state.e = 1),
];

const EVENT = `data: ${TICK}\n\n`;

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function user(res: ServerResponse, id: string): void {
  const state: BenchState = {};
  for (const fn of middleware) fn(state);
  res.setHeader(RESPONSE_HEADER, RESPONSE_HEADER_VALUE);
  sendJson(res, 200, userBody(decodeURIComponent(id), state));
}

function echo(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      sendJson(res, 200, JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch {
      sendJson(res, 400, { error: 'invalid JSON' });
    }
  });
}

function openStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
}

// Scenario (g): a broadcast to every open stream, started once `?clients=` streams are open.
const streams = new Set<ServerResponse>();
let broadcasting = false;

/** Lockstep rounds, as the runtime peer: one event to every stream, wait for the slow ones to drain, yield to I/O. */
function broadcastRound(): void {
  if (streams.size === 0) {
    broadcasting = false;
    return;
  }
  let waiting = 0;
  const next = (): void => void (--waiting === 0 && setImmediate(broadcastRound));
  waiting++;
  for (const res of streams) {
    if (!res.write(EVENT)) {
      waiting++;
      const resume = (): void => {
        res.off('drain', resume);
        res.off('close', resume);
        next();
      };
      res.on('drain', resume);
      res.on('close', resume);
    }
  }
  next();
}

function subscribe(req: IncomingMessage, res: ServerResponse): void {
  const wanted = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('clients') ?? 1);
  openStream(res);
  streams.add(res);
  res.on('close', () => streams.delete(res));
  if (!broadcasting && streams.size >= wanted) {
    broadcasting = true;
    broadcastRound();
  }
}

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (req.method === 'GET') {
    if (path === '/') return sendJson(res, 200, HELLO);
    if (path.startsWith('/users/') && path.indexOf('/', 7) === -1 && path.length > 7) return user(res, path.slice(7));
    if (path === '/events') return subscribe(req, res);
    if (path === '/idle') return openStream(res);
  }
  if (req.method === 'POST' && path === '/echo') return echo(req, res);
  sendJson(res, 404, { error: 'Not Found' });
}

const server = http.createServer(route);
server.listen(0, HOST, () => {
  const address = server.address();
  if (address && typeof address === 'object') reportListening(address.port);
});
