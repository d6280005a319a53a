/** Test helpers: raw HTTP over a socket (for malformed requests) and a server started on port 0. */
import net from 'node:net';
import type { RunningServer } from '../listen.js';
import type { Server } from '../server.js';

/** Sends raw bytes and resolves with everything the server sent until it closed (or `waitMs` passed). */
export function rawRequest(port: number, payload: string | Buffer, waitMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.write(payload);
  });
}

/** Starts `server` on 127.0.0.1:0; remember to close it. */
export async function start(server: Server<any>): Promise<RunningServer> {
  return server.listen({ port: 0, host: '127.0.0.1' });
}
