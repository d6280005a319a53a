/**
 * sendTimeout: a response stuck on a client that does not read is ended.
 *
 * It rides on node's own socket idle timer (`http.Server#timeout`), which
 * node already refreshes on every read, every write dispatch and any
 * progress of a pending write, so it adds no per-request work of ours. The
 * timer also fires on sockets that are merely quiet (a slow handler, an SSE
 * stream between events, an idle keep-alive socket): with a 'timeout'
 * listener installed node leaves the decision to us, so this listener
 * destroys only what node would have ended anyway (no response in flight:
 * idle keep-alive, or a connection that never sent a request) and sockets
 * with bytes waiting to be sent. A quiet response in flight is left alone;
 * node re-arms the timer at its next read or write.
 */
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';

interface HttpSocket extends Socket {
  /** node's in-flight ServerResponse on this socket (null between requests). */
  _httpMessage?: object | null;
}

/** Bytes the socket holds that the client has not taken (the write in progress counts until it completes). */
function hasUnsentBytes(socket: Socket): boolean {
  return socket.writableLength > 0;
}

function onSocketTimeout(socket: HttpSocket): void {
  if (socket._httpMessage && !hasUnsentBytes(socket)) return;
  socket.destroy();
}

/** Arms sendTimeout (ms; 0 disables) on an http.Server; idempotent. */
export function installSendTimeout(httpServer: HttpServer, sendTimeout: number): void {
  httpServer.timeout = sendTimeout;
  if (sendTimeout > 0 && !httpServer.listeners('timeout').includes(onSocketTimeout)) httpServer.on('timeout', onSocketTimeout);
}
