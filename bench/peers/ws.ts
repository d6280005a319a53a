/** The WebSocket baseline: a bare `ws` server echoing every message (scenario f). */
import { WebSocketServer } from 'ws';
import { reportListening } from './peer-ipc.js';
import { HOST } from './shared.js';

const wss = new WebSocketServer({ host: HOST, port: 0, path: '/ws' });
wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
});
wss.on('listening', () => {
  const address = wss.address();
  if (address && typeof address === 'object') reportListening(address.port);
});
