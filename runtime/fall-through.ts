/**
 * ctx.fallThrough(): a route hands its request on, and the request
 * continues as if no route had matched it (Express's `next()` from a route
 * handler, Sinatra's `pass`). It throws a marker, so nothing after the call
 * runs; the pipeline's error path recognises the marker and, instead of the
 * panic hooks, runs the request's fall-through plan:
 *
 * - the request middleware the route's plan left out because they were
 *   registered after it (middlewareOrder 'registration'; under
 *   'routes-last' every middleware already ran before the route), in
 *   registration order, with their path scopes checked against the request,
 * - then the notFound handlers, then response middleware as for any
 *   unmatched request.
 *
 * `ctx.routePattern` becomes null and `ctx.params` empty first, so a legacy
 * app behind compat's mountExpress (registered last, it answers only what no
 * route matched) now receives the request, as Express would have walked on
 * to its later routes. What the route set on the response builder (headers,
 * status) stays, as headers set before `next()` stay in Express.
 *
 * Nothing of this is on the hot path: the marker is only looked at when
 * something was thrown, and plans are built on the first fall-through of a
 * route and kept with it.
 */
import { runtimeErrors } from './codes.js';
import type { Context } from './context.js';
import type { Core, Params, Plan } from './core.js';

/** Thrown by ctx.fallThrough(); one frozen object, never an Error (no stack to capture). */
const FALL_THROUGH: { readonly fallThrough: true } = Object.freeze({ fallThrough: true as const });

/** The plan a request continues with after ctx.fallThrough(), given by the Server that routed it. */
export type FallThroughPlanner = (ctx: Context<any, any>) => Plan;

const planners = new WeakMap<Core, FallThroughPlanner>();

const NO_PARAMS: Params = Object.freeze(Object.create(null) as Params);

/** ctx.fallThrough() throws this; rethrow it from a catch that is not meant for it. */
export function isFallThrough(value: unknown): boolean {
  return value === FALL_THROUGH;
}

/** Called by ctx.fallThrough(). */
export function throwFallThrough(): never {
  throw FALL_THROUGH;
}

/** The Server registers how it plans the rest of a request that fell through. */
export function setFallThroughPlanner(core: Core, planner: FallThroughPlanner): void {
  planners.set(core, planner);
}

/**
 * Runs the rest of a request whose step threw the marker: true when it now
 * continues as an unmatched request; otherwise the error to handle instead
 * (thrown from response middleware or a hook, or after the head was sent:
 * there is nothing left to hand the request to).
 */
export function continueUnmatched(ctx: Context<any, any>, fromResponse: boolean, run: (ctx: Context<any, any>) => void): Error | true {
  const planner = planners.get(ctx._core);
  const res = ctx._res;
  if (fromResponse || ctx._responseRan || planner === undefined || (res !== null && (res.headersSent || res.writableEnded))) {
    return runtimeErrors.EXW_ERR_FALL_THROUGH_LATE();
  }
  const plan = planner(ctx);
  ctx.routePattern = null;
  ctx.params = NO_PARAMS;
  ctx._plan = plan;
  run(ctx);
  return true;
}
