/**
 * Express's order for request middleware, opt-in with
 * `middlewareOrder: 'registration'` (Server and Router options).
 *
 * Express walks one list: a middleware registered after a route runs only
 * for requests that route did not answer. The runtime routes first and runs
 * a plan compiled per route (compile.ts), so the same rule becomes: a route's
 * plan holds only the request middleware registered before it, and the
 * 404/405 plans hold all of them (the request walked the whole list).
 *
 * Every registration carries its position: one slot per registry on the way
 * from the server down to the registry it was made on. A mounted router's
 * registrations all sit at the slot of the mount (Express enters the router
 * there), then at their own slot inside it. Middleware and a route are
 * compared at the first registry where their paths part: that registry's
 * mode decides, so a Router in 'registration' mode orders its own
 * registrations even on a server that does not, and the reverse.
 */
import { runtimeErrors } from './codes.js';

export type MiddlewareOrder = 'routes-last' | 'registration';

/** A registration's place in one registry: its sequence number, and whether that registry orders middleware. */
export interface Slot {
  readonly seq: number;
  readonly ordered: boolean;
}

/** Slots from the server down to the registry the registration was made on. */
export type Position = readonly Slot[];

/** Whether request middleware registered at `middleware` belongs in the plan of the route registered at `route`. */
export function runsBeforeRoute(middleware: Position, route: Position): boolean {
  const n = Math.min(middleware.length, route.length);
  for (let i = 0; i < n; i++) {
    const m = middleware[i]!;
    const r = route[i]!;
    if (m.seq === r.seq) continue; // same mount: look one registry deeper
    return !m.ordered || m.seq < r.seq;
  }
  return true;
}

/** The option value, validated; 'routes-last' when unset. */
export function resolveMiddlewareOrder(value: unknown): MiddlewareOrder {
  if (value === undefined) return 'routes-last';
  if (value === 'routes-last' || value === 'registration') return value;
  throw runtimeErrors.EXW_ERR_CONFIG_INVALID('middlewareOrder', `expected 'routes-last' or 'registration', got ${String(value)}`);
}
