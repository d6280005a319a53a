/**
 * `res.render(view, locals)` -> `await renderView(legacyApp, ctx, view, locals)`
 * (compat/render-view.ts): the handler is native; only the template goes
 * through Express's view system, the app's own app.render with the
 * settings and app.locals it kept (app-settings.ts moves them to the
 * legacy app). So it translates only where that app is known: a handler
 * registered on an app of this module that keeps its view state on the
 * legacy app. A router's handler renders with whichever app mounts it, and
 * an app without its view settings here may get them from code we cannot
 * see: both stay on Express. A callback argument (the caller handles the
 * HTML or the error itself) stays on Express too.
 */
import type { ASTPath } from 'jscodeshift';
import { parseExpression, refsOf } from './ast-utils.js';
import { fail, type HandlerEnv } from './handler-env.js';
import { chainFrom } from './response-calls.js';

interface ViewSite { app: string; lastErrorHandler: boolean }

/** The legacy app that renders for a handler's conversion, when known (set by handler.ts from the site). */
const viewSites = new WeakMap<HandlerEnv, ViewSite>();

export function setViewApp(env: HandlerEnv, app: string | undefined, lastErrorHandler: boolean): void {
  if (app !== undefined) viewSites.set(env, { app, lastErrorHandler });
}

/** Up front, before callbacks are inlined: a render callback is the caller's own answer, which stays on Express. */
export function rejectRenderCallbacks(env: HandlerEnv, fn: ASTPath<any>, res: string): void {
  for (const ref of refsOf(env.fc.j, fn, res)) {
    const render = chainFrom(ref)?.calls.find((c) => c.name === 'render');
    if (render?.args.some((a) => /Function/.test(a.type))) fail(CALLBACK);
  }
}

const CALLBACK = 'res.render with a callback (the caller handles the HTML or the error)';

export function renderStatement(env: HandlerEnv, args: any[]): any {
  const { j } = env.fc;
  const site = viewSites.get(env);
  if (!site) fail('res.render needs the Express view engine');
  if (args.length === 0 || args.length > 2) fail('res.render with an unexpected argument list');
  if (args.some((a) => /Function/.test(a.type))) fail(CALLBACK);
  if (args[1] && (!/^(ObjectExpression|Identifier|MemberExpression)$/.test(args[1].type) || namesFunction(env, args[1]))) fail('res.render with locals that may be a callback at run time');
  if (env.role === 'error' && !site.lastErrorHandler) fail('res.render in an error handler registered before others (Express passes a render error on to them)');
  const call = j.callExpression(j.identifier('renderView'), [j.identifier(site.app), j.identifier(env.ctx), ...args]);
  // next(err) from the app's last error middleware reached Express's final handler: renderView answers with it.
  if (env.role === 'error') call.arguments.push(...(args.length === 1 ? [j.identifier('undefined')] : []), parseExpression(j, '{ finalHandler: true }'));
  return j.expressionStatement(j.awaitExpression(call));
}

/** `res.render(view, done)` where this module declares `done` as a function: Express takes it as the callback. */
function namesFunction(env: HandlerEnv, node: any): boolean {
  if (node.type !== 'Identifier') return false;
  const { j, root } = env.fc;
  const declared = root.find(j.FunctionDeclaration, { id: { name: node.name } }).size() > 0;
  const assigned = root.find(j.VariableDeclarator, { id: { type: 'Identifier', name: node.name } }).filter((p: any) => /Function/.test(p.node.init?.type ?? '')).size() > 0;
  return declared || assigned;
}
