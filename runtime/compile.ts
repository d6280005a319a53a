/**
 * Builds each route's plan once, before the first request (Fastify's
 * per-route hook arrays): global middleware, the path-scoped middleware
 * whose prefix can match the route, then route-level middleware and the
 * handler. Arrays are null when empty; a scope stays attached only when a
 * param decides per request whether the prefix matches (path-scope.ts).
 * Under `middlewareOrder: 'registration'` a route's plan keeps only the
 * request middleware registered before it (registration-order.ts).
 */
import type { Handler, Plan } from './core.js';
import type { PathScope } from './path-scope.js';
import { runsBeforeRoute, type Position } from './registration-order.js';

export interface MiddlewareEntry {
  scope: PathScope | null;
  fn: Handler<any, any>;
  /** Where it was registered; compared with the route's position when a registry orders its middleware. */
  position?: Position;
}

function select(entries: readonly MiddlewareEntry[], pattern: string | null, fns: Handler<any, any>[], scopes: Array<PathScope | null>, route: Position | null): boolean {
  let scoped = false;
  for (const { scope, fn, position } of entries) {
    if (route !== null && position !== undefined && !runsBeforeRoute(position, route)) continue;
    if (scope === null) {
      fns.push(fn);
      scopes.push(null);
      continue;
    }
    const fit = pattern === null ? 'maybe' : scope.fit(pattern);
    if (fit === 'never') continue;
    fns.push(fn);
    scopes.push(fit === 'always' ? null : scope);
    if (fit === 'maybe') scoped = true;
  }
  return scoped;
}

/**
 * `pattern` null builds the fallback plan (404/405): every path-scoped
 * middleware is then checked against the request path. `position` is the
 * route's place in registration order (null: the fallback plans, which run
 * every request middleware, as Express does for a request no route answered).
 */
export function buildPlan(
  pattern: string | null,
  request: readonly MiddlewareEntry[],
  response: readonly MiddlewareEntry[],
  routeFns: readonly Handler<any, any>[],
  position: Position | null = null,
): Plan {
  const steps: Handler<any, any>[] = [];
  const scopes: Array<PathScope | null> = [];
  const requestScoped = select(request, pattern, steps, scopes, position);
  for (const fn of routeFns) {
    steps.push(fn);
    scopes.push(null);
  }
  const responseFns: Handler<any, any>[] = [];
  const responseScopes: Array<PathScope | null> = [];
  // Response middleware have no Express counterpart to order against: all of them apply.
  const responseScoped = select(response, pattern, responseFns, responseScopes, null);
  return {
    steps,
    scopes: requestScoped ? scopes : null,
    response: responseFns.length === 0 ? null : responseFns,
    responseScopes: responseScoped ? responseScopes : null,
  };
}
