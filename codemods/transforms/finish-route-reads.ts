/**
 * `req.route` and `req.baseUrl` read in a `res.on('finish' | 'close')` listener of app-level middleware
 * (a timing or logging middleware keyed by route pattern):
 *
 *   const pattern = req.route ? `${req.baseUrl}${req.route.path}` : '(unmatched)';
 *   -> const pattern = ctx.req.route ? `${ctx.req.baseUrl ?? ''}${ctx.req.route.path}` : '(unmatched)';
 *
 * When the response finishes, Express's req.route is the last route that matched (set on the node request,
 * never cleared) and req.baseUrl '' for the app's own routes. In the migrated app the same node request
 * carries both: the app's native routes set `req.route` with Express's path through their `expressRoute`
 * mark (express-route.ts; registrations.ts marks them when app middleware reads `.route`), Express code
 * behind mountExpress sets both as Express does, and a request no route matched has neither. `?? ''` is the
 * '' the runtime never writes for its app-level routes, as compat's bridge did for this middleware before
 * (express-prototypes.ts). req.baseUrl only where `req.route` was just tested truthy: a request answered by
 * a path-scoped guard has Express's baseUrl at the guard's mount path. Only for middleware registered on the
 * app itself (`relativeUrl` false): in a router or under a path, Express's baseUrl would be the mount path.
 * Left: a route that fell through (next()) into path-scoped middleware that answered has that mount path in
 * Express, '' here (as with compat's bridge before).
 */
import type { ASTPath } from 'jscodeshift';
import { enclosingFunction, isFunctionNode, refsOf } from './ast-utils.js';
import { expr, type HandlerEnv } from './handler-env.js';

const EVENTS = new Set(['finish', 'close']);

/** Rewrites the req.route / req.baseUrl reads inside the handler's own res.on('finish' | 'close') listeners. */
export function rewriteFinishRouteReads(env: HandlerEnv, fn: ASTPath<any>, req: string, res: string): void {
  if (env.role !== 'middleware' || env.relativeUrl) return;
  const { j } = env.fc;
  // The node request's type has neither property: TypeScript reads them through `any`, as Express's own typings would not help here.
  const raw = /\.[mc]?tsx?$/.test(env.fc.options.path) ? `(${env.ctx}.req as any)` : `${env.ctx}.req`;
  for (const listener of listeners(env, fn, res)) {
    for (const ref of refsOf(j, fn, req)) {
      if (!within(ref, listener)) continue;
      const member = ref.parent.node;
      if (member.type !== 'MemberExpression' || member.object !== ref.node || member.computed) continue;
      const outer = ref.parent.parent.node;
      const written = (outer.type === 'AssignmentExpression' && outer.left === member) || outer.type === 'UpdateExpression' || (outer.type === 'CallExpression' && outer.callee === member);
      if (!written && member.property.name === 'baseUrl' && guardedByRoute(ref, listener, req)) ref.parent.replace(expr(env, `(${raw}.baseUrl ?? '')`));
    }
    // After the baseUrl reads: their guards are recognised by the `req.route` they test.
    for (const ref of refsOf(j, fn, req)) {
      if (!within(ref, listener)) continue;
      const member = ref.parent.node;
      if (member.type !== 'MemberExpression' || member.object !== ref.node || member.computed || member.property.name !== 'route') continue;
      const outer = ref.parent.parent.node;
      if ((outer.type === 'AssignmentExpression' && outer.left === member) || outer.type === 'UpdateExpression' || (outer.type === 'CallExpression' && outer.callee === member)) continue;
      ref.parent.replace(expr(env, `${raw}.route`));
    }
  }
}

/** The listeners of `res.on/once('finish' | 'close', fn)` statements of the handler itself. */
function listeners(env: HandlerEnv, fn: ASTPath<any>, res: string): ASTPath<any>[] {
  const out: ASTPath<any>[] = [];
  for (const ref of refsOf(env.fc.j, fn, res)) {
    const member = ref.parent;
    if (member.node.type !== 'MemberExpression' || member.node.object !== ref.node || member.node.computed) continue;
    if (member.node.property.name !== 'on' && member.node.property.name !== 'once') continue;
    const call = member.parent;
    if (call.node.type !== 'CallExpression' || call.node.callee !== member.node || call.parent.node.type !== 'ExpressionStatement') continue;
    const [event, listener] = call.node.arguments;
    const isEvent = (event?.type === 'StringLiteral' || event?.type === 'Literal') && EVENTS.has(event.value);
    if (!isEvent || !isFunctionNode(listener) || enclosingFunction(call) !== fn) continue;
    out.push(call.get('arguments', 1));
  }
  return out;
}

/**
 * True when the read sits where `req.route` was just tested truthy (`req.route ? HERE : ...`,
 * `req.route && HERE`, `if (req.route) HERE`): Express's baseUrl is then the one of the router holding
 * the route, '' for the app's routes. Elsewhere it may be a mount path (a path-scoped guard that answered).
 */
function guardedByRoute(ref: ASTPath<any>, listener: ASTPath<any>, req: string): boolean {
  const testsRoute = (n: any) => n?.type === 'MemberExpression' && !n.computed && n.object.type === 'Identifier' && n.object.name === req && n.property.name === 'route';
  for (let at: ASTPath<any> = ref; at.parent && at.node !== listener.node; at = at.parent) {
    const parent = at.parent.node;
    if (parent.type === 'ConditionalExpression' && parent.consequent === at.node && testsRoute(parent.test)) return true;
    if (parent.type === 'IfStatement' && parent.consequent === at.node && testsRoute(parent.test)) return true;
    if (parent.type === 'LogicalExpression' && parent.operator === '&&' && parent.right === at.node && testsRoute(parent.left)) return true;
  }
  return false;
}

function within(p: ASTPath<any>, ancestor: ASTPath<any>): boolean {
  for (let at: ASTPath<any> | null = p.parent; at; at = at.parent) if (at.node === ancestor.node) return true;
  return false;
}
