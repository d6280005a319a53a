/**
 * Express's automatic OPTIONS answer (the autoOptions option): an OPTIONS
 * request on a known path that no route takes, once the request middleware
 * have run without answering, gets 200 with an Allow header listing the
 * path's methods, in the bytes the Express major sends:
 *
 * - Express 4 (router in lib/router/index.js): methods in registration
 *   order, GET followed by HEAD, joined with ',', sent with res.send: the
 *   same list as a text/html body;
 * - Express 5 (router 2.x): sorted, joined with ', ', text/plain with
 *   X-Content-Type-Options: nosniff.
 *
 * Which routes count: every router collects the methods of its own routes
 * that match, and the first mounted router (in stack order) holding one
 * answers on its own when it is done, with its routes' methods only; the
 * routes of the app around it are not in its list. Registration positions
 * (registration-order.ts) say which registry a route sits in.
 *
 * mountExpress (compat) asks runtimeAnswersOptions() so that a legacy Express
 * app mounted last hands such a request back instead of answering 404.
 */
import type { Context } from './context.js';
import type { Plan } from './core.js';
import type { AutoOptionsStyle } from './options.js';
import type { Position } from './registration-order.js';
import { comparePositions } from './stack-order.js';

const optionsPlans = new WeakSet<Plan>();

/** Marks the plan whose last step is the automatic answer. */
export function markAutoOptionsPlan(plan: Plan): Plan {
  optionsPlans.add(plan);
  return plan;
}

/** Whether the runtime will answer this request's OPTIONS itself when nothing before it does. */
export function runtimeAnswersOptions(ctx: Context<any, any>): boolean {
  return ctx._plan !== null && optionsPlans.has(ctx._plan);
}

export interface MatchedRoute {
  readonly method: string;
  readonly position: Position;
}

/** The Allow list for the routes the path matches (any order): Express 4's order, or Express 5's sorted list. */
export function allowFor(routes: readonly MatchedRoute[], style: AutoOptionsStyle): string[] {
  const answering = answeringRoutes([...routes].sort((a, b) => comparePositions(a.position, b.position)), 0);
  const allow: string[] = [];
  for (const { method } of answering) {
    if (!allow.includes(method)) allow.push(method);
    // Express 4 appends HEAD to a GET route's methods; a method registered on its own is its own route.
    if (method === 'GET' && !allow.includes('HEAD')) allow.push('HEAD');
  }
  return style === 'express4' ? allow : allow.sort();
}

/** The routes of the registry that answers: this one's, unless a router mounted in it holds a match first. */
function answeringRoutes(sorted: readonly MatchedRoute[], depth: number): readonly MatchedRoute[] {
  const own: MatchedRoute[] = [];
  for (const route of sorted) {
    if (route.position.length === depth + 1) {
      own.push(route);
      continue;
    }
    const mount = route.position[depth]!.seq;
    return answeringRoutes(sorted.filter((r) => r.position.length > depth + 1 && r.position[depth]!.seq === mount), depth + 1);
  }
  return own;
}

/** Writes the answer; `allow` is registration-ordered for express4, sorted for express5. */
export function answerOptions(ctx: Context<any, any>, style: AutoOptionsStyle, allow: readonly string[]): void {
  if (style === 'express4') {
    const body = allow.join(',');
    ctx.setHeader('allow', body);
    ctx.html(body);
    return;
  }
  const body = allow.join(', ');
  ctx.setHeader('allow', body);
  ctx.setHeader('content-type', 'text/plain');
  ctx.setHeader('x-content-type-options', 'nosniff');
  ctx.text(body);
}
