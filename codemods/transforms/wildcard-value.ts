/**
 * Express 4's `req.params[0]` of a `*` route, rebuilt from the raw request.
 *
 * Express 4 (path-to-regexp 0.1) turns `/docs/*` into `^\/docs\/(.*)\/?$`
 * (case-insensitive by default) and matches it against `parseurl(req).pathname`,
 * the raw path: the greedy `(.*)` keeps a trailing slash, repeated slashes and
 * `.`/`..` segments, and the capture is then decodeURIComponent'ed whole (so
 * `%2F` becomes `/`). The runtime's `ctx.params.wildcard` comes from its
 * normalised path instead (slashes collapsed, dot segments resolved, the
 * trailing slash dropped for routing), so `/docs/guides/` gives 'guides/' in
 * Express and 'guides' in the runtime. The expression built here reads the
 * same pathname with the same parser (parseurl, Express's own) and cuts the
 * same literal prefix, so it is Express's value for every request Express
 * would have routed here. A request only the runtime routes here (its path
 * reached `/docs/` through normalisation, e.g. `//docs/x`) keeps the runtime's
 * value: Express would not have run this handler for it at all.
 */
import type { ASTPath } from 'jscodeshift';
import { isStringLiteral } from './ast-utils.js';
import { fail, type HandlerEnv } from './handler-env.js';

const ROUTE_METHODS = new Set(['all', 'get', 'post', 'put', 'delete', 'patch', 'head', 'options']);

/**
 * The same node in the file's own tree. Handlers are converted on a clone (handler.ts), which shares
 * `loc` objects with the original; the original still has its parents, up to the registration.
 */
function originalOf(env: HandlerEnv, at: ASTPath<any>): ASTPath<any> | null {
  const loc = at.node.loc;
  if (!loc) return null;
  const found = env.fc.root.find(env.fc.j.MemberExpression).filter((p: ASTPath<any>) => p.node.loc === loc);
  return found.size() === 1 ? found.paths()[0]! : null;
}

/** The Express 4 path string the handler holding `at` is registered with (`app.get(path, fn)`, `app.route(path).get(fn)`), or null. */
function registrationPath(env: HandlerEnv, at: ASTPath<any>): string | null {
  const original = originalOf(env, at);
  if (!original) return null;
  for (let child = original, p = original.parent; p; child = p, p = p.parent) {
    const call = p.node;
    if (call.type !== 'CallExpression' || !call.arguments.includes(child.node)) continue;
    const callee = call.callee;
    if (callee.type !== 'MemberExpression' || callee.computed || !ROUTE_METHODS.has(callee.property.name)) continue;
    const routeCall = callee.object;
    const isRouteChain = routeCall.type === 'CallExpression' && routeCall.callee.type === 'MemberExpression' && routeCall.callee.property?.name === 'route';
    const pathNode = isRouteChain ? routeCall.arguments[0] : call.arguments[0];
    if (isStringLiteral(pathNode)) return pathNode.value;
    if (pathNode?.type === 'TemplateLiteral' && pathNode.expressions.length === 0) return pathNode.quasis[0].value.cooked;
  }
  return null;
}

/**
 * Where Express's capture starts in the pathname: `prefix` is what the pathname must begin with
 * (compared case-insensitively, as Express 4 matches by default) and `cut` how many characters
 * precede the capture. `*` alone captures the whole pathname, leading slash included.
 */
function captureStart(path: string): { prefix: string; cut: number } {
  if (path === '*') return { prefix: '/', cut: 0 };
  if (!path.endsWith('/*')) fail(`req.params[0] of "${path}": the "*" is not the whole last segment`);
  const prefix = path.slice(0, -1);
  if (/[:*?+()[\]{}]/.test(prefix)) fail(`req.params[0] of "${path}": the path before the "*" is not literal, so where Express's capture starts in the raw path is not known`);
  return { prefix, cut: prefix.length };
}

/** The expression giving Express 4's `req.params[0]` of the `*` in the handler's route path. */
export function expressWildcardValue(env: HandlerEnv, at: ASTPath<any>): string {
  if (env.relativeUrl) fail('req.params[0] of a "*" inside a router or path-scoped use: the mount path\'s length in the raw URL is not known here');
  const path = registrationPath(env, at);
  if (path === null) fail('req.params[0] of a "*": the route path is not written next to the handler');
  const { prefix, cut } = captureStart(path);
  env.fc.helperImports.set('parseurl', 'parseurl');
  const c = env.ctx;
  const pathname = `parseurl(${c}.req).pathname`;
  const value = `decodeURIComponent(${cut === 0 ? pathname : `${pathname}.slice(${cut})`})`;
  const fallback = cut === 0 ? `'/' + ${c}.params.wildcard` : `${c}.params.wildcard`;
  const quoted = `'${prefix.toLowerCase().replace(/[\\']/g, '\\$&')}'`;
  return `(${pathname}.slice(0, ${prefix.length}).toLowerCase() === ${quoted} ? ${value} : ${fallback})`;
}
