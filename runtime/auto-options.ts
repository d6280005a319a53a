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
 * mountExpress (compat) asks runtimeAnswersOptions() so that a legacy Express
 * app mounted last hands such a request back instead of answering 404.
 */
import type { Context } from './context.js';
import type { Plan } from './core.js';
import type { AutoOptionsStyle } from './options.js';

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

/** Express 4's list: each route's methods (GET then HEAD) in registration order, each once. */
export function registrationOrderAllow(methods: readonly string[]): string[] {
  const allow: string[] = [];
  for (const method of methods) {
    if (!allow.includes(method)) allow.push(method);
    if (method === 'GET' && !allow.includes('HEAD')) allow.push('HEAD');
  }
  return allow;
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
