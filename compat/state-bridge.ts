/**
 * State crosses the bridge: `res.locals` IS `ctx.state`, and `req.user`,
 * `req.session` (and any other configured key) read and write
 * `ctx.state.<key>`, so passport's user is the migrated handler's
 * `ctx.state.user` and a runtime middleware's `ctx.state.user` is Express's
 * `req.user`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from '../runtime/index.js';
import { kContext, kLocalState } from './symbols.js';

type WithContext = { [kContext]: Context<any, any> };

export const DEFAULT_STATE_KEYS: readonly string[] = ['user', 'session'];

/**
 * Runtime is the owner (fromExpress, mountExpress): Express's slots point at
 * ctx.state. With `keys` null the accessors already sit on the app's request
 * prototype (installStateAccessors): linking the Context is one store, the
 * cheap path of mountExpress.
 */
export function shareState(ctx: Context<any, any>, req: IncomingMessage, res: ServerResponse, keys: readonly string[] | null): void {
  const state = ctx.state as Record<string, unknown>;
  const loose = res as unknown as { locals?: Record<string, unknown> };
  if (loose.locals !== undefined && loose.locals !== state) Object.assign(state, loose.locals);
  loose.locals = state;
  (req as unknown as WithContext)[kContext] = ctx;
  if (keys !== null) for (const key of keys) Object.defineProperty(req, key, descriptorFor(key));
}

/**
 * A later bridge may carry more keys than the first one did
 * (`fromExpress(multer..., { stateKeys: [..., 'file'] })` after cookie
 * parsing went through its own bridge): link the new ones, keeping what
 * Express code already put there.
 */
export function linkStateKeys(ctx: Context<any, any>, req: IncomingMessage, keys: readonly string[]): void {
  const state = ctx.state as Record<string, unknown>;
  const r = req as unknown as Record<string, unknown>;
  for (const key of keys) {
    const descriptor = descriptorFor(key);
    if (Object.getOwnPropertyDescriptor(req, key)?.get === descriptor.get) continue;
    if (r[key] !== undefined && state[key] === undefined) state[key] = r[key];
    Object.defineProperty(req, key, descriptor);
  }
}

/**
 * Puts the state accessors on an Express app's request prototype, once
 * (mountExpress). Sub-apps inherit it (Express links a mounted app's request
 * prototype to its parent's). Requests that did not come through the
 * runtime keep plain per-request values.
 */
export function installStateAccessors(proto: object, keys: readonly string[]): void {
  for (const key of keys) {
    const existing = Object.getOwnPropertyDescriptor(proto, key);
    if (existing?.get === prototypeDescriptorFor(key).get) continue;
    Object.defineProperty(proto, key, prototypeDescriptorFor(key));
  }
}

type WithLocal = WithContext & { [kLocalState]?: Record<string, unknown> };

const prototypeDescriptors = new Map<string, PropertyDescriptor>();

function prototypeDescriptorFor(key: string): PropertyDescriptor {
  let descriptor = prototypeDescriptors.get(key);
  if (descriptor === undefined) {
    descriptor = {
      configurable: true,
      enumerable: false,
      get(this: WithLocal) {
        const ctx = this[kContext];
        return ctx !== undefined ? (ctx.state as Record<string, unknown>)[key] : this[kLocalState]?.[key];
      },
      set(this: WithLocal, value: unknown) {
        const ctx = this[kContext];
        if (ctx !== undefined) (ctx.state as Record<string, unknown>)[key] = value;
        else (this[kLocalState] ??= {})[key] = value;
      },
    };
    prototypeDescriptors.set(key, descriptor);
  }
  return descriptor;
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
  }
  (req as unknown as WithContext)[kContext] = ctx;
  for (const key of keys) Object.defineProperty(req, key, descriptorFor(key));
}

/** One descriptor per key, shared by every request: the accessors find the Context through kContext. */
const descriptors = new Map<string, PropertyDescriptor>();

function descriptorFor(key: string): PropertyDescriptor {
  let descriptor = descriptors.get(key);
  if (descriptor === undefined) {
    descriptor = {
      configurable: true,
      enumerable: true,
      get(this: WithContext) {
        return (this[kContext].state as Record<string, unknown>)[key];
      },
      set(this: WithContext, value: unknown) {
        (this[kContext].state as Record<string, unknown>)[key] = value;
      },
    };
    descriptors.set(key, descriptor);
  }
  return descriptor;
}

