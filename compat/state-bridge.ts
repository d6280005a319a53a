/**
 * State crosses the bridge: `res.locals` IS `ctx.state`, and `req.user`,
 * `req.session` (and any other configured key) read and write
 * `ctx.state.<key>`, so passport's user is the migrated handler's
 * `ctx.state.user` and a runtime middleware's `ctx.state.user` is Express's
 * `req.user`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from '../runtime/index.js';

export const DEFAULT_STATE_KEYS: readonly string[] = ['user', 'session'];

/** Runtime is the owner (fromExpress, mountExpress): Express's slots point at ctx.state. */
export function shareState(ctx: Context<any, any>, req: IncomingMessage, res: ServerResponse, keys: readonly string[]): void {
  const state = ctx.state as Record<string, unknown>;
  const loose = res as unknown as { locals?: Record<string, unknown> };
  if (loose.locals !== undefined && loose.locals !== state) Object.assign(state, loose.locals);
  loose.locals = state;
  for (const key of keys) defineStateAccessor(ctx, req, key);
}

/** Express was first (toExpress): what it put on req and res.locals becomes ctx.state, then both stay linked. */
export function adoptState(ctx: Context<any, any>, req: IncomingMessage, res: ServerResponse, keys: readonly string[]): void {
  const loose = res as unknown as { locals?: Record<string, unknown> };
  if (loose.locals !== undefined && loose.locals !== null && typeof loose.locals === 'object') ctx.state = loose.locals;
  else loose.locals = ctx.state as Record<string, unknown>;
  const state = ctx.state as Record<string, unknown>;
  const r = req as unknown as Record<string, unknown>;
  for (const key of keys) {
    if (r[key] !== undefined && state[key] === undefined) state[key] = r[key];
    defineStateAccessor(ctx, req, key);
  }
}

function defineStateAccessor(ctx: Context<any, any>, req: IncomingMessage, key: string): void {
  Object.defineProperty(req, key, {
    configurable: true,
    enumerable: true,
    get: () => (ctx.state as Record<string, unknown>)[key],
    set: (value: unknown) => {
      (ctx.state as Record<string, unknown>)[key] = value;
    },
  });
}
