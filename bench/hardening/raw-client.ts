/**
 * A raw TCP client for hostile requests: writes bytes exactly as given
 * (no HTTP library would send them), collects every status line the server
 * answers with, and classifies the connection. A per-connection deadline
 * turns a server that neither answers nor closes into a 'hang'.
 */
import net from 'node:net';

export type Outcome = 'ok-2xx' | 'not-found-404' | 'client-error-4xx' | 'closed-without-answer' | 'server-error-5xx' | 'other-status' | 'hang';

export const OUTCOMES: readonly Outcome[] = ['ok-2xx', 'not-found-404', 'client-error-4xx', 'closed-without-answer', 'server-error-5xx', 'other-status', 'hang'];

export interface RawExchange {
  outcome: Outcome;
  /** Every status line seen, in order (pipelined requests give several). */
  statuses: number[];
  /** The raw answer as latin1 text (first 256 KiB). */
  text: string;
  /** Client-side socket error code, when the server reset the connection. */
  socketError?: string;
}

export interface RawSendOptions {
  port: number;
  host?: string;
  /** Half-close after writing (end of request stream); otherwise the server has to end the connection itself. */
  halfClose?: boolean;
  /** Give up and report 'hang' after this long. */
  timeoutMs?: number;
  /** With a connection left open: once an answer arrived, stop after this much silence. */
  idleAfterAnswerMs?: number;
}

/** Keeps memory bounded when a server sends a lot: status lines sit in the first bytes of each response. */
const MAX_COLLECTED = 256 * 1024;
const STATUS_LINE = /HTTP\/\d\.\d (\d{3})/g;

export function parseStatuses(text: string): number[] {
  return [...text.matchAll(STATUS_LINE)].map((m) => Number(m[1]));
}

export function classify(statuses: number[], timedOut: boolean): Outcome {
  if (statuses.some((s) => s >= 500)) return 'server-error-5xx';
  if (statuses.length === 0) return timedOut ? 'hang' : 'closed-without-answer';
  const first = statuses[0]!;
  if (first === 404) return 'not-found-404';
  if (first >= 200 && first < 300) return 'ok-2xx';
  if (first >= 400 && first < 500) return 'client-error-4xx';
  return 'other-status';
}

export function sendRaw(bytes: Buffer, options: RawSendOptions): Promise<RawExchange> {
  const { port, host = '127.0.0.1', halfClose = true, timeoutMs = 10_000, idleAfterAnswerMs = 150 } = options;
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    let collected = '';
    let socketError: string | undefined;
    let idleTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (timedOut: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(idleTimer);
      socket.destroy();
      const statuses = parseStatuses(collected);
      // Still open at the deadline after an answer is a keep-alive socket, not a hang.
      resolve({ outcome: classify(statuses, timedOut), statuses, text: collected, ...(socketError ? { socketError } : {}) });
    };
    const deadline = setTimeout(() => finish(true), timeoutMs);
    socket.on('connect', () => {
      socket.write(bytes);
      if (halfClose) socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      if (collected.length < MAX_COLLECTED) collected += chunk.toString('latin1');
      if (!halfClose) {
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => finish(false), idleAfterAnswerMs);
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      socketError = err.code ?? err.message;
    });
    socket.on('close', () => finish(false));
  });
}

export interface RawResponse {
  status: number;
  /** Header lines of the first response exactly as sent, lower-cased names. */
  headers: Array<[string, string]>;
  body: string;
}

/** Splits the first response of a raw exchange into status, header lines and body. */
export function parseFirstResponse(text: string): RawResponse | null {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return null;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(statusLine ?? '')?.[1] ?? NaN);
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return colon === -1 ? [line.toLowerCase(), ''] : [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
  });
  return { status, headers, body: text.slice(end + 4) };
}

/**
 * One GET with a raw request target (sent byte for byte), Connection: close.
 * No half-close: node's server (httpAllowHalfOpen false) aborts a request
 * whose client half-closed before an asynchronous answer was ready.
 */
export async function rawGet(port: number, target: string): Promise<RawResponse | null> {
  const bytes = Buffer.from(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, 'latin1');
  const exchange = await sendRaw(bytes, { port, timeoutMs: 10_000, halfClose: false, idleAfterAnswerMs: 5_000 });
  return parseFirstResponse(exchange.text);
}
