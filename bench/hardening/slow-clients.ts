/**
 * Slow and stalled clients against the target server in a child process:
 * slowloris (headers trickled one line at a time), slow bodies (a declared
 * body trickled one byte at a time, to a handler reading it and to one that
 * answered before reading it), and readers that never read a large streamed
 * answer (backpressure). The first two must end by the server's
 * headersTimeout / requestTimeout with a 408 while a status line can still
 * be written, and with a close otherwise; stalled readers must be ended by
 * sendTimeout without the server's memory growing with the answer size.
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

/**
 * Declared body size: under the target's 64 KiB bodyLimit, so the reader
 * waits for it (a larger one is refused with 413 before any byte arrives).
 */
const SLOW_BODY_BYTES = 10_000;

/** Complete headers, then a declared body trickled one byte every intervalMs; `path` picks the handler. */
export function slowBody(port: number, intervalMs: number, giveUpMs: number, path = '/echo'): Promise<TrickleResult> {
  const first = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: ${SLOW_BODY_BYTES}\r\n\r\n`;
  return trickle({ port, first, piece: () => 'x', intervalMs, giveUpMs });
}

export interface SlowClientsOptions {
  /** Concurrent slowloris and slow-body clients each. */
  clients: number;
  headersTimeout: number;
  requestTimeout: number;
}

interface Tally {
  clients: number;
  closedByServer: number;
  answered408: number;
  /** Every status line the clients received, counted (pipelined or early answers add some). */
  statuses: Record<string, number>;
}

export interface SlowClientsReport {
  slowloris: Tally;
  /** Slow bodies to a handler that reads them: a 408 is still possible. */
  slowBody: Tally;
  /** Slow bodies to a handler that already sent its answer's head: only a close is possible. */
  slowBodyAfterAnswer: Tally;
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

function tally(results: TrickleResult[]): Tally {
  const statuses: Record<string, number> = {};
  for (const r of results) for (const status of r.statuses) statuses[status] = (statuses[status] ?? 0) + 1;
  return {
    clients: results.length,
    closedByServer: results.filter((r) => r.closedByServer).length,
    answered408: results.filter((r) => r.statuses.includes(408)).length,
    statuses,
  };
}

export async function runSlowClients(options: SlowClientsOptions): Promise<SlowClientsReport> {
  const { clients, headersTimeout, requestTimeout } = options;
  const target = await startTarget({ headersTimeout, requestTimeout });
  try {
    // The clients send something every 100 ms: far more often than any timeout, so only the total deadline can end them.
    const giveUp = requestTimeout * 5 + 10_000;
    const many = (start: () => Promise<TrickleResult>): Promise<TrickleResult[]> => Promise.all(Array.from({ length: clients }, start));
    const slow = Promise.all([
      many(() => slowloris(target.port, 100, giveUp)),
      many(() => slowBody(target.port, 100, giveUp)),
      many(() => slowBody(target.port, 100, giveUp, '/early-answer')),
    ]);
    let servedDuring = 0;
    for (let i = 0; i < 5; i++) if (await normalGet(target.port)) servedDuring++;
    const [loris, bodies, afterAnswer] = await slow;
    let servedAfter = 0;
    for (let i = 0; i < 5; i++) if (await normalGet(target.port)) servedAfter++;
    return {
      slowloris: tally(loris),
      slowBody: tally(bodies),
      slowBodyAfterAnswer: tally(afterAnswer),
      servedDuring,
      servedAfter,
      crashed: !target.alive(),
    };
  } finally {
    await target.stop();
  }
}

export interface BackpressureOptions {
  /** Clients that request the large answer and never read it. */
  clients: number;
  /** Size of each streamed answer. */
  bytesPerClient: number;
  /** The server's sendTimeout; undefined keeps the runtime default (60 s), 0 disables it. */
  sendTimeout?: number;
  /** How long the readers stay connected (and stalled) at most, waiting for the server to end them. */
  waitMs: number;
}

export interface BackpressureReport {
  clients: number;
  bytesPerClient: number;
  sendTimeout: number | 'default';
  /** Total the server was asked to send to clients that never read. */
  bytesRequested: number;
  rssBefore: number;
  /** Highest RSS sampled while the readers were stalled. */
  rssPeak: number;
  rssGrowth: number;
  /** Bytes the clients had received (kernel buffers and a first read) before they stalled for good. */
  bytesReceivedByClients: number;
  /** Most connections the server held at once while the readers were stalled. */
  openConnectionsPeak: number;
  /** Connections the server still held when the wait ended, the readers still connected. */
  openConnectionsAtEnd: number;
  /** Time from the readers' requests until the server held none of their sockets; null when it kept some. */
  endedByServerAfterMs: number | null;
  /** After the readers left. */
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
  const { clients, bytesPerClient, sendTimeout, waitMs } = options;
  const target = await startTarget(sendTimeout === undefined ? {} : { sendTimeout });
  try {
    const before = await target.stats();
    const began = Date.now();
    const readers = Array.from({ length: clients }, () => stalledReader(target.port, bytesPerClient));
    let rssPeak = before.rss;
    let openConnectionsPeak = 0;
    let connections = -1;
    let endedByServerAfterMs: number | null = null;
    // Sample until the server has let go of every stalled socket, or the wait is over.
    while (Date.now() - began < waitMs) {
      await sleep(250);
      const stats = await target.stats();
      rssPeak = Math.max(rssPeak, stats.rss);
      openConnectionsPeak = Math.max(openConnectionsPeak, stats.connections);
      connections = stats.connections;
      if (connections === 0 && openConnectionsPeak > 0) {
        endedByServerAfterMs = Date.now() - began;
        break;
      }
    }
    const bytesReceivedByClients = readers.reduce((sum, r) => sum + r.received(), 0);
    for (const r of readers) r.socket.destroy();
    const openAfter = await waitForConnections(target, 0, 10_000);
    return {
      clients,
      bytesPerClient,
      sendTimeout: sendTimeout ?? 'default',
      bytesRequested: clients * bytesPerClient,
      rssBefore: before.rss,
      rssPeak,
      rssGrowth: rssPeak - before.rss,
      bytesReceivedByClients,
      openConnectionsPeak,
      openConnectionsAtEnd: connections,
      endedByServerAfterMs,
      openConnectionsAfter: openAfter,
      crashed: !target.alive(),
    };
  } finally {
    await target.stop();
  }
}
