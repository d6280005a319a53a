/** Test helper: a runtime server listening on 127.0.0.1:0, closed by the returned function. */
import type { Server } from '../../runtime/index.js';

export interface Served {
  url: string;
  port: number;
  close: () => Promise<void>;
}

export async function serve(server: Server<any>): Promise<Served> {
  const running = await server.listen({ port: 0, host: '127.0.0.1' });
  return { url: running.url, port: running.port, close: () => running.close({ timeout: 1000 }) };
}

/** A raw request whose target is sent byte for byte (fetch would normalise '//admin' or '/./admin'). */
export async function rawGet(port: number, target: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'GET', path: target, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
