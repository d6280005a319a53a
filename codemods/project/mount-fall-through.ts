/**
 * A route of a mounted router that hands its request on (`next()`, which the
 * per-file transform turns into `ctx.fallThrough()`) continues in Express
 * with whatever its mounter registered after the mount. The runtime then runs
 * the mounter's request middleware registered after the mount and its
 * notFound, never a later route or router. The router's own file cannot see
 * the mounter, so the project pass checks it at the mount and hands the
 * answer on in the 'router' hint (registrations.ts in codemods/transforms
 * keeps the route native only when every mount of its router passes).
 *
 * The mount passes when it sits in an app's module-level statements, under a
 * plain path, and no route or router of that app registered before or after
 * it may take a request under that path (before: it may stay on Express,
 * whose legacy app would then run it after the route), and when the app
 * provably gets middlewareOrder 'registration' (a path-less middleware with
 * a route or router before and after it: the transform orders such an app),
 * so its later middleware run in their place.
 */
import type { ts } from 'ts-morph';
import { createdReceiver, type ExpressNames } from './express-names.js';
import { isFunctionLike, type ModuleGraph, type ModuleInfo } from './module-graph.js';
import type { TS } from './ts-morph.js';

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'all']);

type NamesOf = (module: ModuleInfo) => ExpressNames;

type Registration = { kind: 'route'; path: string | null } | { kind: 'use'; path: string | null; routerLike: boolean; middleware: boolean };

/** Null when a fall-through from the router mounted by `call` reaches what Express reaches; otherwise why not. */
export function mountFallThroughBlocker(ts: TS, graph: ModuleGraph, module: ModuleInfo, namesOf: NamesOf, call: ts.CallExpression): string | null {
  const names = namesOf(module);
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression)) return 'the mount is not on a named app';
  const app = callee.expression.text;
  if (!declaresApp(ts, module.sf, app, names)) return `${app} is not an app created in its module (a router's own mount is not followed)`;
  const first = call.arguments[0];
  const prefix = first && ts.isStringLiteralLike(first) ? first.text : first && !ts.isStringLiteralLike(first) ? '/' : null;
  if (prefix === null || /[:*?+()]/.test(prefix)) return 'mounted at a path with patterns';
  const statement = call.parent;
  if (!ts.isExpressionStatement(statement) || !ts.isSourceFile(statement.parent)) return 'mounted inside other code';
  const siblings = statement.parent.statements;
  const at = siblings.indexOf(statement);
  const regs = siblings.map((s) => registrationOf(ts, graph, module, namesOf, s, app));
  for (const [i, reg] of regs.entries()) {
    if (i === at || reg === null) continue;
    const takesRequests = reg.kind === 'route' || reg.routerLike;
    if (takesRequests && pathsMeet(prefix, reg.path, reg.kind === 'use')) return `${i < at ? 'an earlier' : 'a later'} route or router of ${app} may take the same requests`;
  }
  // The transform orders an app with middleware that may meet an earlier route or router; a path-less one meets
  // every request, and with a route or router after it, it is not the trailing 404 handler.
  const takes = (reg: Registration | null) => reg !== null && (reg.kind === 'route' || reg.routerLike);
  const ordered = regs.some((reg, i) => reg?.kind === 'use' && reg.middleware && (reg.path === null || reg.path === '/')
    && regs.slice(0, i).some(takes) && regs.slice(i + 1).some(takes));
  return ordered ? null : `${app} is not proved to run its middleware in registration order`;
}

function declaresApp(ts: TS, sf: ts.SourceFile, name: string, names: ExpressNames): boolean {
  return sf.statements.some((st) => ts.isVariableStatement(st) && st.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name && createdReceiver(ts, d.initializer, names) === 'app'));
}

/** `app.get(path, ...)`, `app.route(path).get(...)`, `app.use([path,] ...)` on `app`; null for anything else. */
function registrationOf(ts: TS, graph: ModuleGraph, module: ModuleInfo, namesOf: NamesOf, st: ts.Statement, app: string): Registration | null {
  if (!ts.isExpressionStatement(st) || !ts.isCallExpression(st.expression)) return null;
  let call: ts.CallExpression = st.expression;
  // app.route('/x').get(a).post(b): walk in to the route() call.
  while (ts.isPropertyAccessExpression(call.expression) && ts.isCallExpression(call.expression.expression)) call = call.expression.expression;
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression) || callee.expression.text !== app) return null;
  const method = callee.name.text;
  const first = call.arguments[0];
  const path = first && ts.isStringLiteralLike(first) ? first.text : null;
  if (method === 'route' || ROUTE_METHODS.has(method)) {
    if (method === 'get' && call.arguments.length === 1) return null; // app.get('setting')
    return { kind: 'route', path: path ?? '*' };
  }
  if (method !== 'use') return null;
  const fns = path === null && first && !ts.isStringLiteralLike(first) ? [...call.arguments] : call.arguments.slice(1);
  const kinds = fns.map((fn) => fnKind(ts, graph, module, namesOf, fn));
  return { kind: 'use', path, routerLike: kinds.some((k) => k !== 'middleware'), middleware: kinds.length > 0 && kinds.every((k) => k === 'middleware') };
}

/** A registered argument: a function (inline or resolved), an Express router or app, or unknown (taken as a router). */
function fnKind(ts: TS, graph: ModuleGraph, module: ModuleInfo, namesOf: NamesOf, node: ts.Expression): 'middleware' | 'router' | 'unknown' {
  if (ts.isFunctionExpression(node) || ts.isArrowFunction(node)) return 'middleware';
  if (ts.isCallExpression(node) && !isRequire(ts, node)) {
    // A factory call (`cors()`, `express.json()`, `requireRole('x')`) gives middleware, unless it creates a router.
    return createdReceiver(ts, node, namesOf(module)) ? 'router' : 'middleware';
  }
  const def = graph.resolve(module, node);
  if (!def) return 'unknown';
  if (isFunctionLike(ts, def.node)) return 'middleware';
  const init = ts.isVariableDeclaration(def.node) ? def.node.initializer : def.node;
  return createdReceiver(ts, init, namesOf(def.module)) ? 'router' : 'unknown';
}

function isRequire(ts: TS, node: ts.CallExpression): boolean {
  return ts.isIdentifier(node.expression) && node.expression.text === 'require';
}

/** Whether a request under the mount `prefix` may reach a route (`prefix` false) or a use() under `path`. */
function pathsMeet(prefix: string, path: string | null, isUse: boolean): boolean {
  if (path === null) return true;
  const split = (s: string) => s.toLowerCase().split('/').filter(Boolean);
  const [mount, other] = [split(prefix), split(path)];
  for (let i = 0; i < Math.min(mount.length, other.length); i++) {
    if (/[*?+]/.test(other[i])) return true;
    if (/[:()]/.test(other[i]) || mount[i] === other[i]) continue;
    return false;
  }
  // A route or use() shorter than the mount prefix: a use() holds everything below it, a route only its own path.
  return other.length >= mount.length || isUse;
}
