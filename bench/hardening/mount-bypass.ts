/**
 * The mount-bypass payload list: every spelling of a path under /admin that
 * a second normaliser might read differently (encodings, double encoding,
 * case, dot segments, matrix params, backslashes, trailing junk), sent raw
 * to a runtime server whose /admin is guarded by path-scoped security
 * middleware, serving runtime routes and legacy Express routes behind
 * mountExpress (compat/). A guarded answer ('secret') without the token is
 * a bypass.
 */
import express from 'express';
import { fromExpress, mountExpress } from '../../compat/index.js';
import { Server, type RunningServer } from '../../runtime/index.js';
import { rawGet } from './raw-client.js';

/** Spellings of `target` (a path under /admin) that must not skip the guard. */
export function bypassPayloads(target: string): string[] {
  const rest = target.slice('/admin'.length); // '' or '/runtime' or '/legacy'
  const tail = rest.slice(1);
  return [
    target,
    `//admin${rest}`,
    `///admin${rest}`,
    `/admin;x${rest}`,
    `${target};x`,
    `/admin;${rest}`,
    `/%61dmin${rest}`,
    `/%41dmin${rest}`,
    `/%2561dmin${rest}`,
    `/%252561dmin${rest}`,
    `/ADMIN${rest.toUpperCase()}`,
    `/Admin${rest}`,
    `/aDmIn${rest}`,
    `${target}/`,
    `${target}//`,
    `/admin%2f${tail}`,
    `/admin%2F${tail}`,
    `/admin%252f${tail}`,
    `${target}%2f`,
    `/./admin${rest}`,
    `/%2e/admin${rest}`,
    `/%2E/admin${rest}`,
    `/%252e/admin${rest}`,
    `${target}/.`,
    `/admin/.${rest}`,
    `/admin/./${tail}`,
    `/x/../admin${rest}`,
    `/x/%2e%2e/admin${rest}`,
    `/x/%2E%2E/admin${rest}`,
    `/x/%252e%252e/admin${rest}`,
    `/x/..%2fadmin${rest}`,
    `/x%2f..%2fadmin${rest}`,
    `\\admin${rest}`,
    `/\\admin${rest}`,
    `/admin\\${tail}`,
    `/admin%5c${tail}`,
    `/admin%5C${tail}`,
    `/%5cadmin${rest}`,
    `/admin%00${rest}`,
    `${target}%00`,
    `/admin%20${rest}`,
    `${target}%20`,
    `/admin%09${rest}`,
    `${target}.`,
    `/admin.${rest}`,
    `/%ef%bd%81dmin${rest}`,
    `/%c0%afadmin${rest}`,
    `/admin%c0%af${tail}`,
    `${target}#frag`,
    `${target}?admin=1`,
    `http://127.0.0.1${target}`,
    `http://127.0.0.1//admin${rest}`,
  ];
}

const TOKEN = 'let-me-in';

function runtimeGuard(ctx: any): void {
  if (ctx.header('x-token') !== TOKEN) {
    ctx.status = 401;
    ctx.text('denied');
    ctx.abort();
  }
}

function expressGuard(req: any, res: any, next: any): void {
  if (req.get('x-token') !== TOKEN) res.status(401).send('denied');
  else next();
}

function legacyApp(withGuard: boolean): any {
  const app = express();
  if (withGuard) app.use('/admin', expressGuard);
  app.get('/admin/legacy', (_req: any, res: any) => res.send('legacy secret'));
  app.get('/legacy/:rest', (_req: any, res: any) => res.send('legacy open'));
  app.get('/public-legacy', (_req: any, res: any) => res.send('legacy open'));
  return app;
}

export type GuardSetup = 'runtime-guard' | 'express-guard-via-fromExpress' | 'guard-inside-legacy-app';

export const GUARD_SETUPS: Record<GuardSetup, string[]> = {
  'runtime-guard': ['/admin', '/admin/runtime', '/admin/legacy'],
  'express-guard-via-fromExpress': ['/admin', '/admin/runtime', '/admin/legacy'],
  'guard-inside-legacy-app': ['/admin/legacy'],
};

/** A runtime server with migrated routes and the legacy app behind mountExpress, guarded as `setup` says. */
export function buildGuardedServer(setup: GuardSetup): Server {
  const server = new Server({ logErrors: false });
  if (setup === 'runtime-guard') server.requestMiddleware('/admin', runtimeGuard);
  if (setup === 'express-guard-via-fromExpress') server.requestMiddleware(fromExpress(express.Router().use('/admin', expressGuard)));
  if (setup !== 'guard-inside-legacy-app') {
    server.get('/admin', (ctx) => ctx.text('runtime secret'));
    server.get('/admin/runtime', (ctx) => ctx.text('runtime secret'));
  }
  server.get('/public-runtime', (ctx) => ctx.text('runtime open'));
  server.get('/users/{id}', (ctx) => ctx.json({ id: ctx.params.id }));
  server.requestMiddleware(mountExpress(legacyApp(setup === 'guard-inside-legacy-app')));
  return server;
}

export interface BypassReport {
  requests: number;
  /** Answers that carried a guarded body without the token. Must be 0. */
  bypasses: Array<{ setup: GuardSetup; target: string; status: number }>;
  byStatus: Record<string, number>;
  /** With the token the guarded routes do answer (the check can fail). */
  controlsServed: number;
  controls: number;
}

async function oneSetup(setup: GuardSetup, report: BypassReport): Promise<void> {
  let running: RunningServer | undefined;
  try {
    running = await buildGuardedServer(setup).listen({ port: 0, host: '127.0.0.1' });
    for (const target of GUARD_SETUPS[setup]) {
      report.controls++;
      const control = await fetch(`${running.url}${target}`, { headers: { 'x-token': TOKEN } });
      if (control.status === 200 && (await control.text()).includes('secret')) report.controlsServed++;
      for (const payload of bypassPayloads(target)) {
        const res = await rawGet(running.port, payload);
        report.requests++;
        const status = res?.status ?? 0;
        report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
        if (res !== null && res.body.includes('secret')) report.bypasses.push({ setup, target: payload, status });
      }
    }
  } finally {
    await running?.close();
  }
}

export async function runMountBypass(): Promise<BypassReport> {
  const report: BypassReport = { requests: 0, bypasses: [], byStatus: {}, controlsServed: 0, controls: 0 };
  for (const setup of Object.keys(GUARD_SETUPS) as GuardSetup[]) await oneSetup(setup, report);
  return report;
}
