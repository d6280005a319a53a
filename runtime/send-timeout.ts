/**
 * sendTimeout: a socket whose pending output makes no progress (a client
 * that stopped reading, a peer whose receive window stays shut) is
 * destroyed, so it does not hold its socket, its response stream and its
 * handler forever.
 *
 * One sweep per server, every quarter of the timeout, over the sockets it
 * accepted: nothing runs per request, and a socket is looked at only while
 * it holds unsent bytes. Quiet connections (a slow handler, an SSE stream
 * between events, an idle WebSocket or keep-alive socket) have nothing
 * pending and are never touched; node's own keep-alive, header and request
 * timeouts keep working as they are.
 */
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';

interface Progress {
  /** Bytes handed to the OS so far. */
  written: number;
  /** Bytes of the write in progress still queued in libuv. */
  queued: number;
  /** When this socket was first seen stuck at these numbers. */
  since: number;
}

interface Installed {
  timer: NodeJS.Timeout;
  onConnection: (socket: Socket) => void;
}

interface WatchedServer extends HttpServer {
  [SWEEP]?: Installed;
}

const SWEEP = Symbol('expressway.sendTimeoutSweep');

function queuedBytes(socket: Socket): number {
  return (socket as unknown as { _handle?: { writeQueueSize?: number } | null })._handle?.writeQueueSize ?? 0;
}

/** Destroys the sockets whose unsent bytes did not move for `timeout` ms. */
function sweep(sockets: Map<Socket, Progress | null>, timeout: number): void {
  const now = Date.now();
  for (const [socket, last] of sockets) {
    if (socket.writableLength === 0) {
      if (last !== null) sockets.set(socket, null);
      continue;
    }
    const written = socket.bytesWritten;
    const queued = queuedBytes(socket);
    if (last === null || last.written !== written || last.queued !== queued) {
      sockets.set(socket, { written, queued, since: now });
    } else if (now - last.since >= timeout) {
      socket.destroy();
    }
  }
}

/** Arms sendTimeout (ms; 0 disables) on an http.Server; a second call replaces the first. */
export function installSendTimeout(httpServer: HttpServer, timeout: number): void {
  const server = httpServer as WatchedServer;
  const previous = server[SWEEP];
  if (previous !== undefined) {
    clearInterval(previous.timer);
    server.off('connection', previous.onConnection);
    server[SWEEP] = undefined;
  }
  if (timeout <= 0) return;
  const sockets = new Map<Socket, Progress | null>();
  const onConnection = (socket: Socket): void => {
    sockets.set(socket, null);
    socket.once('close', () => sockets.delete(socket));
  };
  server.on('connection', onConnection);
  const timer = setInterval(() => sweep(sockets, timeout), Math.max(10, Math.floor(timeout / 4)));
  timer.unref();
  server[SWEEP] = { timer, onConnection };
  server.once('close', () => clearInterval(timer));
}
