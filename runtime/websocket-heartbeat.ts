/**
 * Dead-peer detection for WebSocket connections. A peer that vanished
 * without closing (a laptop lid, a dropped mobile link, a NAT that forgot
 * the flow) leaves a half-open TCP connection that neither side notices
 * until something is written; a server that only listens would keep it,
 * and its registry entry, forever. Every `intervalMs` this pings; a peer
 * that has not answered the previous ping with a pong by then is
 * terminated, so its `closed` resolves (1006) and the iterator ends.
 */
import type { WebSocket as WsSocket } from 'ws';

export function startHeartbeat(ws: WsSocket, intervalMs: number): void {
  let answered = true;
  const onPong = () => {
    answered = true;
  };
  const timer = setInterval(() => {
    if (!answered) {
      ws.terminate();
      return;
    }
    answered = false;
    ws.ping();
  }, intervalMs);
  // A heartbeat alone must not keep the process alive.
  timer.unref();
  ws.on('pong', onPong);
  ws.once('close', () => {
    clearInterval(timer);
    ws.off('pong', onPong);
  });
}
