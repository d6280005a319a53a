/**
 * Legacy and migrated routes mixed under load: autocannon sends `amount`
 * requests cycling over runtime routes, legacy Express routes behind
 * mountExpress, and the guarded /admin routes (with the token), against the
 * guarded server of mount-bypass.ts. Afterwards the server must hold no
 * connection (no leaked sockets) and every request must have had a 2xx.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { buildGuardedServer } from './mount-bypass.js';

export interface CompatLoadReport {
  amount: number;
  connections: number;
  responses: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Server connections still open 0..10 s after autocannon closed its sockets. */
  openConnectionsAfter: number;
}

const MIX = [
  { path: '/public-runtime' },
  { path: '/public-legacy' },
  { path: '/users/7' },
  { path: '/legacy/abc' },
  { path: '/admin/runtime', headers: { 'x-token': 'let-me-in' } },
  { path: '/admin/legacy', headers: { 'x-token': 'let-me-in' } },
];

function connectionCount(server: import('node:http').Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((err, n) => resolve(err ? -1 : n)));
}

export async function runCompatLoad(amount: number, connections = 20): Promise<CompatLoadReport> {
  const running = await buildGuardedServer('runtime-guard').listen({ port: 0, host: '127.0.0.1' });
  try {
    const result = await autocannon({
      url: running.url,
      connections,
      amount,
      // An outer bound in case something hangs: autocannon counts it as a timeout.
      timeout: 20,
      requests: MIX,
    });
    let open = await connectionCount(running.server);
    for (let i = 0; i < 100 && open > 0; i++) {
      await sleep(100);
      open = await connectionCount(running.server);
    }
    return {
      amount,
      connections,
      responses: result['2xx'] + result.non2xx,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      openConnectionsAfter: open,
    };
  } finally {
    await running.close();
  }
}
