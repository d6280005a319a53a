/**
 * Slow and stalled clients against the target server in a child process:
 * slowloris (headers trickled one line at a time), slow bodies (a declared
 * body trickled one byte at a time), and readers that never read a large
 * streamed answer (backpressure). The first two must end by the server's
 * headersTimeout / requestTimeout (a 408 or a close); the last must not
 * grow the server's memory with the size of the answer.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseStatuses } from './raw-client.js';
import { startTarget, type TargetProcess } from './spawn-target.js';

export interface TrickleResult {
  /** The server ended the connection (it did not run into the client's own limit). */
  closedByServer: boolean;
  statuses: number[];
  /** Bytes the client managed to send before the server ended it. */
  bytesSent: number;
}

interface TrickleOptions {
  port: number;
  first: string;
  /** Produces the next piece to send; called every intervalMs. */
  piece: (i: number) => string;
  intervalMs: number;
  /** The client's own limit, well beyond the server timeout under test. */
  giveUpMs: number;
}

function trickle(options: TrickleOptions): Promise<TrickleResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ port: options.port, host: '127.0.0.1' });
    let text = '';
    let bytesSent = 0;
    let i = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = (closedByServer: boolean): void => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ closedByServer, statuses: parseStatuses(text), bytesSent });
    };
    const giveUp = setTimeout(() => done(false), options.giveUpMs);
    socket.on('connect', () => {
      socket.write(options.first);
      bytesSent += options.first.length;
      timer = setInterval(() => {
        if (!socket.writable) return;
        const piece = options.piece(i++);
        socket.write(piece);
        bytesSent += piece.length;
      }, options.intervalMs);
    });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => done(true));
  });
}

/** Headers that never end: one more header line every intervalMs. */
export function slowloris(port: number, intervalMs: number, giveUpMs: number): Promise<TrickleResult> {
  return trickle({ port, first: 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n', piece: (i) => `X-Slow-${i}: a\r\n`, intervalMs, giveUpMs });
}

/** Complete headers, then a declared body trickled one byte every intervalMs. */
export function slowBody(port: number, intervalMs: number, giveUpMs: number): Promise<TrickleResult> {
  const first = 'POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n';
  return trickle({ port, first, piece: () => 'x', intervalMs, giveUpMs });
}

export interface SlowClientsOptions {
  /** Concurrent slowloris and slow-body clients each. */
  clients: number;
  headersTimeout: number;
  requestTimeout: number;
}

export interface SlowClientsReport {
  slowloris: { clients: number; closedByServer: number; answered408: number };
  slowBody: { clients: number; closedByServer: number; answered408: number };
  /** Normal requests answered 200 while and after the slow clients ran. */
  servedDuring: number;
  servedAfter: number;
  crashed: boolean;
}

async function normalGet(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(10_000) });
    return res.status === 200 && (await res.text()) === 'ok';
  } catch {
    return false;
  }
}

function tally(results: TrickleResult[]): { clients: number; closedByServer: number; answered408: number } {
  return {
    clients: results.length,
    closedByServer: results.filter((r) => r.closedByServer).length,
    answered408: results.filter((r) => r.statuses.includes(408)).length,
  };
}

export async function runSlowClients(options: SlowClientsOptions): Promise<SlowClientsReport> {
  const { clients, headersTimeout, requestTimeout } = options;
  const target = await startTarget({ headersTimeout, requestTimeout });
  try {
    // The clients send something every 100 ms: far more often than any timeout, so only the total deadline can end them.
    const giveUp = requestTimeout * 5 + 10_000;
    const slow = Promise.all([
      Promise.all(Array.from({ length: clients }, () => slowloris(target.port, 100, giveUp))),
      Promise.all(Array.from({ length: clients }, () => slowBody(target.port, 100, giveUp))),
    ]);
    let servedDuring = 0;
    for (let i = 0; i < 5; i++) if (await normalGet(target.port)) servedDuring++;
    const [loris, bodies] = await slow;
    let servedAfter = 0;
    for (let i = 0; i < 5; i++) if (await normalGet(target.port)) servedAfter++;
    return { slowloris: tally(loris), slowBody: tally(bodies), servedDuring, servedAfter, crashed: !target.alive() };
  } finally {
    await target.stop();
  }
}

export interface BackpressureOptions {
  /** Clients that request the large answer and never read it. */
  clients: number;
  /** Size of each streamed answer. */
  bytesPerClient: number;
  /** How long the clients stay stalled before the memory is measured. */
  stallMs: number;
}

export interface BackpressureReport {
  clients: number;
  bytesPerClient: number;
  /** Total the server was asked to send to clients that never read. */
  bytesRequested: number;
  rssBefore: number;
  rssStalled: number;
  rssGrowth: number;
  /** Bytes the clients had received by the time of the measurement (kernel buffers and a first read). */
  bytesReceivedByClients: number;
  /** Stalled connections still open on the server at the measurement (no response timeout applies). */
  openConnectionsStalled: number;
  openConnectionsAfter: number;
  crashed: boolean;
}

/** Opens a request for a large answer and pauses the socket: nothing more is read. */
function stalledReader(port: number, bytes: number): { socket: net.Socket; received: () => number } {
  const socket = net.connect({ port, host: '127.0.0.1' });
  let received = 0;
  socket.on('connect', () => socket.write(`GET /stream/${bytes} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`));
  socket.once('data', (chunk: Buffer) => {
    received += chunk.length;
    socket.pause();
  });
  socket.on('error', () => {});
  return { socket, received: () => received };
}

async function waitForConnections(target: TargetProcess, count: number, limitMs: number): Promise<number> {
  const until = Date.now() + limitMs;
  let stats = await target.stats();
  while (stats.connections !== count && Date.now() < until) {
    await sleep(100);
    stats = await target.stats();
  }
  return stats.connections;
}

export async function runBackpressure(options: BackpressureOptions): Promise<BackpressureReport> {
  const { clients, bytesPerClient, stallMs } = options;
  const target = await startTarget({});
  try {
    const before = await target.stats();
    const readers = Array.from({ length: clients }, () => stalledReader(target.port, bytesPerClient));
    await sleep(stallMs);
    const stalled = await target.stats();
    const bytesReceivedByClients = readers.reduce((sum, r) => sum + r.received(), 0);
    for (const r of readers) r.socket.destroy();
    const openAfter = await waitForConnections(target, 0, 10_000);
    return {
      clients,
      bytesPerClient,
      bytesRequested: clients * bytesPerClient,
      rssBefore: before.rss,
      rssStalled: stalled.rss,
      rssGrowth: stalled.rss - before.rss,
      bytesReceivedByClients,
      openConnectionsStalled: stalled.connections,
      openConnectionsAfter: openAfter,
      crashed: !target.alive(),
    };
  } finally {
    await target.stop();
  }
}
