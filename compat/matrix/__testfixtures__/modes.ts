/**
 * The middleware matrix runs every package twice, unchanged: through
 * fromExpress (runtime request middleware in front of runtime routes) and
 * through mountExpress (inside the legacy Express app behind the runtime).
 * Both servers carry a runtime response middleware, so every assertion can
 * also check that response hooks applied to what the package wrote.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import express from 'express';
import http from 'node:http';
import { Server } from '../../../runtime/index.js';
import { mountExpress } from '../../index.js';

export type Mode = 'fromExpress' | 'mountExpress';

export interface Target {
  url: string;
  port: number;
  mode: Mode;
}

export interface ModeSetup {
  /** Register the package with fromExpress(...) and runtime routes on `server`. */
  fromExpress(server: Server<any>): void;
  /** Use the package in the legacy app, as an Express app would. */
  mountExpress(app: express.Express): void;
}

export const RESPONSE_HOOK = 'x-runtime-response';

export function eachMode(name: string, setup: ModeSetup, tests: (target: () => Target) => void): void {
  for (const mode of ['fromExpress', 'mountExpress'] as const) {
    describe(`${name} through ${mode}`, () => {
      let current: Target;
      let close: () => Promise<void>;
      beforeAll(async () => {
        const server = new Server({ logErrors: false });
        server.responseMiddleware((ctx) => ctx.setHeader(RESPONSE_HOOK, 'yes'));
        if (mode === 'fromExpress') {
          setup.fromExpress(server);
        } else {
          const app = express();
          setup.mountExpress(app);
          server.requestMiddleware(mountExpress(app));
        }
        const running = await server.listen({ port: 0, host: '127.0.0.1' });
        current = { url: running.url, port: running.port, mode };
        close = () => running.close({ timeout: 1000 });
      });
      afterAll(() => close());
      tests(() => current);
    });
  }
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A request without fetch's automatic decompression and header rules. */
export function request(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Waits until `check` returns true (log lines are written after the response). */
export async function eventually(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
