/**
 * app.param and the routes it resolves, as one runtime route:
 *
 *   app.param('postId', (req, res, next, id) => { ...; next(); });
 *   app.get('/posts/:postId', hideDrafts, showPost);   // hideDrafts: next('route') for drafts
 *   app.get('/posts/:postId', (req, res) => { ... });
 *
 *   ->
 *
 *   const postIdParam = async (ctx) => { let id = ctx.params.postId; ...; };
 *   async function hideDrafts(ctx) { if (...) return 'route'; }
 *   async function showPost(ctx) { ... }
 *   const postIdRoute2 = async (ctx) => { ... };
 *   app.get('/posts/{postId}', async (ctx) => {
 *     await postIdParam(ctx);
 *     if (ctx.aborted) return;
 *     if ((await hideDrafts(ctx)) !== 'route') {
 *       if (ctx.aborted) return;
 *       await showPost(ctx);
 *       return;
 *     }
 *     await postIdRoute2(ctx);
 *   });
 *
 * Express runs an app.param callback once per request and value, before the first route whose path has the
 * parameter, and not again for the later routes next('route') moves on to (router process_params keeps the
 * call per value). Routes of one method and one path string match the same requests, so they are one runtime
 * route that runs the callback, then the first route's functions; where one of them called next('route') (or
 * the first route's last one called next()) it returns 'route' and the next route's functions run. From the
 * last route, 'route' is ctx.fallThrough() (Express walked on to the later layers). Middleware steps answer
 * with ctx.abort() (as converted request middleware do), which ends the request there.
 *
 * Only when that is all the parameter does: one inline, non-async callback for the name, every registration
 * whose path has `:name` in the group (a use() or another path would need the callback too), nothing
 * registered between them that could meet their requests, each function inline or a local function used
 * only there, and next('route') only as the last thing its own function does. Anything else keeps today's
 * output (route-demotion.ts demoteParamRoutes: the param and its routes on the legacy app).
 */
import type { ASTPath } from 'jscodeshift';
import { addEntry, type FileContext } from './context.js';
import type { ExpressBinding, Receiver } from './express-binding.js';
import { convertHandler, type HandlerResult, type HandlerSite } from './handler.js';
import { resolveFnRef } from './handler-refs.js';
import { cloneNode, isFunctionNode, isReference, isStringLiteral, isTailPosition, parseStatement, someNode } from './ast-utils.js';
import { consumeParam, keepsLegacyState, legacyOnlyUses, paramRouteReason, releaseParam, type LegacyOnlyUse } from './app-legacy-uses.js';
import { convertStringPath } from './route-path.js';
import { expressMajorFor } from './express-version.js';
import type { ReceiverUse } from './receiver-uses.js';
import { isLegacy, routeKey, type Plan, type Planned } from './registration-plan.js';
import { registrationsMeet } from './route-overlap.js';
import { routePathOf } from './route-demotion.js';
import { countPlanned } from './registrations.js';

type Registration = Extract<ReceiverUse, { kind: 'registration' }>;
type PlanRow = { use: ReceiverUse; plan: Plan };

export interface MergeSite {
  fc: FileContext;
  b: ExpressBinding;
  r: Receiver;
  uses: ReceiverUse[];
  receivers: Receiver[];
  registrationCallees: Set<any>;
  /** Readable from ctx.state besides what the file's converted code wrote (compat's state bridge). */
  bridged: string[];
  /** The legacy app holding the view settings, when there is one (res-render.ts). */
  viewApp: string | undefined;
  /** A first route-level function setting req.route for Express code (express-route.ts). */
  mark?: (method: string, pathNode: any) => any;
}

/** One merge: the rows it replaced (restored when a later check sends a member back to Express). */
export interface Merge { param: Extract<LegacyOnlyUse, { kind: 'param' }>; rows: PlanRow[]; originals: Plan[] }

/** A converted function of the merged route and how the route calls it. */
interface Step {
  /** How the merged handler calls it: the local function's name, or the const an inline function is hoisted to. */
  name: string;
  /** It can return 'route' (Express's next('route'), or next() from the last function of an earlier route). */
  skips: boolean;
  result: Extract<HandlerResult, { ok: true }>;
  /** The original function and its role, for the report's per-function entry. */
  origin?: { node: any; role: 'route' | 'middleware' };
  /** Puts the converted function in place (a local function) or gives the const to hoist (inline). */
  place: () => any | null;
}

/**
 * Plans every app.param that can merge with its routes; the rows of the group get plans that apply the merge
 * (the last registration becomes the runtime route). Returns the merges, for settleMerges.
 */
export function mergeParamRoutes(site: MergeSite, plans: PlanRow[]): Merge[] {
  if (site.r.kind !== 'app') return [];
  const params = legacyOnlyUses(site.r, site.uses).filter((u): u is Extract<LegacyOnlyUse, { kind: 'param' }> => u.kind === 'param');
  const merges: Merge[] = [];
  for (const param of params) {
    if (params.filter((p) => p.name === param.name).length !== 1) continue;
    const rows = groupOf(plans, param.name, params);
    if (!rows) continue;
    const planned = planMerge(site, param, rows.map((row) => row.use as Registration));
    // Not provably the same: today's output (the param and its routes on the legacy app) and its reasons.
    if (typeof planned === 'string') continue;
    const originals = rows.map((row) => row.plan);
    rows.forEach((row, i) => { row.plan = planned[i]!; });
    consumeParam(param.stmt.node);
    merges.push({ param, rows, originals });
  }
  return merges;
}

/**
 * A merge holds only while every member still migrates: a later check (an earlier Express route that shadows
 * it, a fall-through that would reach other code) sends all back to Express, with the app.param. True when
 * one was undone (the caller runs its checks again).
 */
export function settleMerges(merges: Merge[]): boolean {
  let undone = false;
  for (const m of [...merges]) {
    if (!m.rows.some((row) => isLegacy(row.plan))) continue;
    releaseParam(m.param.stmt.node);
    m.rows.forEach((row, i) => { row.plan = m.originals[i]!; });
    merges.splice(merges.indexOf(m), 1);
    undone = true;
  }
  return undone;
}

/** The registrations the param resolves, when they form a group that can merge; null otherwise. */
function groupOf(plans: PlanRow[], name: string, params: LegacyOnlyUse[]): PlanRow[] | null {
  const names = new Set([name]);
  const others = new Set(params.flatMap((p) => (p.kind === 'param' && p.name !== name ? [p.name] : [])));
  const rows = plans.filter((p) => paramRouteReason(routePathOf(p.use), names) !== null);
  if (rows.length === 0) return null;
  const first = rows[0]!.use;
  if (first.kind !== 'registration' || first.method === 'use' || !isStringLiteral(first.args[0])) return null;
  const method = first.method;
  const path = first.args[0].value;
  for (const row of rows) {
    const u = row.use;
    if (u.kind !== 'registration' || u.method !== method || !isStringLiteral(u.args[0]) || u.args[0].value !== path) return null;
    if (paramRouteReason(u.args[0], others) !== null) return null;
  }
  // Between them, nothing that can meet their requests (Express would run it between the routes).
  const from = plans.indexOf(rows[0]!);
  const to = plans.indexOf(rows.at(-1)!);
  for (const p of plans.slice(from, to + 1)) if (!rows.includes(p) && registrationsMeet(first, p.use)) return null;
  return rows;
}

/** The plans of the group's rows (the last one registers the route), or why they cannot merge. */
function planMerge(site: MergeSite, param: Extract<LegacyOnlyUse, { kind: 'param' }>, routes: Registration[]): Planned[] | string {
  const { fc } = site;
  const { j } = fc;
  const pathNode = routes[0]!.args[0];
  const path = convertStringPath(pathNode.value, expressMajorFor(fc.options.path));
  if (!path.ok) return path.reason;
  if (path.paths.length !== 1) return `the path of app.param('${param.name}')'s routes has an optional part`;
  const runtimePath = path.paths[0]!;
  // Rendering needs the legacy app, which the param alone would have created.
  if (!keepsLegacyState(site.r, site.uses, param.stmt.node) && someNode(fc.root.get().node, (n) => n.type === 'Identifier' && n.name === 'render')) return 'the app renders views and app.param is its only Express-only state';
  const written = new Set<string>();
  const taken = new Set<string>();
  const segments = path.paths.length === 1 && !/\{[^}]*:/.test(runtimePath) ? runtimePath.split('/').filter(Boolean).length : null;
  const baseSite = (role: HandlerSite['role'], fallThrough: boolean): HandlerSite => ({
    role, relativeUrl: false, indexNames: path.indexNames, stateReadable: new Set([...fc.stateProps, ...written, ...site.bridged]),
    routeSegments: segments, ...(path.wildcards ? { wildcards: path.wildcards } : {}), fallThrough, viewApp: site.viewApp, routePaths: path.paths,
  });

  const paramStep = convertParam(site, param, baseSite('middleware', false), freeName(fc, `${param.name}Param`, taken));
  if (typeof paramStep === 'string') return `app.param('${param.name}'): ${paramStep}`;
  paramStep.result.stateWrites.forEach((w) => written.add(w));

  const perRoute: Step[][] = [];
  for (const [k, route] of routes.entries()) {
    const lastRoute = k === routes.length - 1;
    const args = route.args.slice(1);
    if (args.length === 0) return 'a route without handlers';
    const steps: Step[] = [];
    for (const [i] of args.entries()) {
      const last = i === args.length - 1;
      const argPath = route.stmt.get('expression', 'arguments', i + 1) as ASTPath<any>;
      const hoistName = `${param.name}Route${routes.length > 1 ? k + 1 : ''}${last ? '' : `Step${i + 1}`}`;
      const step = convertRouteFn(site, argPath, last ? 'route' : 'middleware', baseSite(last ? 'route' : 'middleware', last && lastRoute), { nextIsRoute: last && !lastRoute }, () => freeName(fc, hoistName, taken));
      if (typeof step === 'string') return `${route.method.toUpperCase()} ${pathNode.value} (${k + 1} of ${routes.length}): ${step}`;
      step.result.stateWrites.forEach((w) => written.add(w));
      steps.push(step);
    }
    perRoute.push(steps);
  }

  // Our own functions, each converted (the param callback was not counted as a handler before either).
  const { handlers } = countPlanned(perRoute.flat().map(() => ({ own: true })));
  const lastFellThrough = perRoute.at(-1)!.some((s) => s.skips || s.result.fallsThrough === true);
  const method = routes[0]!.method === 'del' ? 'delete' : routes[0]!.method;
  const label = `${method.toUpperCase()} ${pathNode.value}`;
  const lastNode = routes.at(-1)!.stmt.node; // the original statement (it is replaced before entries are added)
  const entries = [...perRoute.flat().map((s) => () => addEntry(fc, s.origin!.node, 'migrated', `${s.origin!.role}-handler`, { handler: s.name })), () => addEntry(fc, lastNode, 'migrated', 'param-route-merge', {
    handler: label,
    reason: `app.param('${param.name}') and ${routes.length === 1 ? 'its route' : `${routes.length} routes of the same path (next('route') moves on)`} run as one runtime route`,
  })];
  const hoisted: any[][] = routes.map(() => []);
  const applyStep = (s: Step, into: any[]) => {
    const { result } = s;
    result.outside?.();
    result.stateWrites.forEach((w) => fc.stateProps.add(w));
    if (result.typed) fc.runtimeTypeNames.add('Context');
    if (someNode(result.node.body, (n) => n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'renderView')) fc.compatNames.add('renderView');
    const decl = s.place();
    if (decl) into.push(decl);
  };
  // Comments of an earlier route that leaves no statement behind describe what the merged registration now runs.
  const carried: any[] = [];
  const earlier: Planned[] = routes.slice(0, -1).map((route, k) => ({
    handlers: 0, entries: [],
    apply: () => {
      perRoute[k]!.forEach((s) => applyStep(s, hoisted[k]!));
      if (hoisted[k]!.length === 0) {
        carried.push(...(route.stmt.node.comments ?? []));
        route.stmt.prune();
      } else replaceKeepingComments(route.stmt, hoisted[k]!);
    },
  }));
  const merged: Planned = {
    handlers, entries, routeKeys: [routeKey(method, runtimePath)], fallsThrough: lastFellThrough,
    apply: () => {
      const paramDecl = paramStep.place();
      paramDecl.comments = [...(param.stmt.node.comments ?? []), j.commentLine(` app.param('${param.name}'): the ${label} route below runs it first${routes.length > 1 ? ", once per request (Express did not run it again after next('route'))" : ''}.`, true, false)];
      param.stmt.replace(paramDecl);
      const k = routes.length - 1;
      perRoute[k]!.forEach((s) => applyStep(s, hoisted[k]!));
      const registration = parseStatement(j, registrationSource(site, method, runtimePath, paramStep.name, perRoute));
      if (site.mark) registration.expression.arguments.splice(1, 0, site.mark(routes[0]!.method, pathNode));
      const note = j.commentLine(` ${routes.length === 1 ? label : `${routes.length} Express routes ${label}`} and app.param('${param.name}') as one route${routes.length > 1 ? ": a function's 'route' result is its next('route')" : ''}.`, true, false);
      registration.comments = [...carried, note];
      const statements = [...hoisted[k]!, registration];
      replaceKeepingComments(routes[k]!.stmt, statements);
      (routes[k] as { tail?: any }).tail = registration;
    },
  };
  return [...earlier, merged];
}

/** The merged registration: the param step, then each route's steps; 'route' moves on to the next route. */
function registrationSource(site: MergeSite, method: string, path: string, paramName: string, perRoute: Step[][]): string {
  const lines: string[] = [`await ${paramName}(ctx);`, 'if (ctx.aborted) return;'];
  perRoute.forEach((steps, k) => {
    const lastRoute = k === perRoute.length - 1;
    let depth = 0;
    const push = (...ls: string[]) => lines.push(...ls.map((l) => `${'  '.repeat(depth)}${l}`));
    steps.forEach((s, i) => {
      const last = i === steps.length - 1;
      const call = `await ${s.name}(ctx)`;
      if (lastRoute) {
        push(s.skips ? `if ((${call}) === 'route') ctx.fallThrough();` : `${call};`);
        if (!last) push('if (ctx.aborted) return;');
        return;
      }
      if (last) {
        push(...(s.skips ? [`if ((${call}) !== 'route') return;`] : [`${call};`, 'return;']));
        return;
      }
      if (s.skips) {
        push(`if ((${call}) !== 'route') {`);
        depth++;
      } else push(`${call};`);
      push('if (ctx.aborted) return;');
    });
    for (; depth > 0; depth--) lines.push(`${'  '.repeat(depth - 1)}}`);
  });
  return `${site.r.name}.${method}('${path}', async (ctx) => {\n${lines.map((l) => `  ${l}`).join('\n')}\n});`;
}

/**
 * `(req, res, next, value[, name]) => body` -> the handler `(req, res, next) => { let value = req.params.<name>; body }`,
 * converted as middleware: next() continues, an answer ends with ctx.abort(), next(err) throws.
 */
function convertParam(site: MergeSite, param: Extract<LegacyOnlyUse, { kind: 'param' }>, handlerSite: HandlerSite, name: string): Step | string {
  const { fc } = site;
  const { j } = fc;
  const fn = param.stmt.node.expression.arguments[1];
  if (!isFunctionNode(fn)) return 'the callback is not an inline function';
  if (fn.async || fn.generator) return 'the callback is async (its work would span next())';
  if (fn.params.length < 3 || fn.params.length > 5 || !fn.params.every((p: any) => p.type === 'Identifier')) return 'the callback does not have the (req, res, next, value) shape';
  const [req, , next, value, key] = fn.params;
  if (nextInNested(fn, next.name)) return 'next is called from a nested function (work across next())';
  if (someNode(fn.body, (n) => n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === next.name && isStringLiteral(n.arguments[0]) && /^route/.test(n.arguments[0].value), true)) return "next('route') from the callback skips every route of the parameter";
  const clone = cloneNode(fn);
  const prelude: any[] = [];
  if (value) prelude.push(parseStatement(j, `let ${value.name} = ${req.name}.params.${param.name};`));
  if (key) prelude.push(parseStatement(j, `let ${key.name} = '${param.name}';`));
  const body = clone.body.type === 'BlockStatement' ? clone.body.body : [j.returnStatement(clone.body)];
  const synthetic = j.arrowFunctionExpression(clone.params.slice(0, 3), j.blockStatement([...prelude, ...body]));
  const result = convertHandler(fc, synthetic, handlerSite);
  if (!result.ok) return result.reason;
  return {
    name, skips: false, result,
    place: () => j.variableDeclaration('const', [j.variableDeclarator(j.identifier(name), result.node)]),
  };
}

/** A route's function, converted with its next('route') as `return 'route'` (and next() too, for the last function of an earlier route). */
function convertRouteFn(site: MergeSite, argPath: ASTPath<any>, role: 'route' | 'middleware', handlerSite: HandlerSite, opts: { nextIsRoute: boolean }, hoistName: () => string): Step | string {
  const { fc } = site;
  const { j } = fc;
  const ref = resolveFnRef(fc, site.b, argPath, site.receivers, site.registrationCallees);
  if (ref.kind !== 'inline' && ref.kind !== 'local') return `${j(argPath.node).toSource().split('\n')[0].slice(0, 40)} is not a function of this file`;
  if (ref.kind === 'local' && (ref.name === 'ctx' || referenceCount(fc, argPath) !== 1)) return `${ref.name} is used elsewhere too`;
  const fnNode = ref.kind === 'inline' ? ref.node : ref.fnNode;
  if (fnNode.params.length < 2 || fnNode.params.length > 3) return 'not a (req, res, next) function';
  if (someNode(fnNode.body, (n) => n.type === 'ReturnStatement' && isStringLiteral(n.argument) && n.argument.value === 'route', true)) return "it returns 'route' itself";
  const clone = cloneNode(fnNode);
  const skips = clone.params[2] ? rewriteNextRoute(j, clone, clone.params[2].name, opts.nextIsRoute) : false;
  if (typeof skips === 'string') return skips;
  const result = convertHandler(fc, clone, handlerSite);
  if (!result.ok) return result.reason;
  if (skips && !returnsOnlyRouteOrNothing(result.node)) return "its converted form returns a value where 'route' is read";
  if (ref.kind === 'inline') {
    const name = hoistName();
    return { name, skips, result, origin: { node: fnNode, role }, place: () => j.variableDeclaration('const', [j.variableDeclarator(j.identifier(name), result.node)]) };
  }
  return {
    name: ref.name, skips, result, origin: { node: fnNode, role },
    place: () => {
      if (ref.holder.node.type === 'FunctionDeclaration') ref.holder.replace(result.node);
      else {
        ref.holder.node.init = result.node;
        if (ref.holder.node.id.typeAnnotation) ref.holder.node.id.typeAnnotation = null;
      }
      return null;
    },
  };
}

/**
 * `return next('route')` / a last `next('route')` (and `next()` when `nextIsRoute`) in the function's own body
 * -> `return 'route'`. Anywhere else (a callback, work after it, inside try) the reason, and nothing is merged.
 * True when it rewrote one.
 */
function rewriteNextRoute(j: FileContext['j'], fn: any, next: string, nextIsRoute: boolean): boolean | string {
  const isSkip = (n: any) => n?.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === next
    && ((n.arguments.length === 1 && isStringLiteral(n.arguments[0]) && n.arguments[0].value === 'route') || (nextIsRoute && n.arguments.length === 0));
  if (nextInNested(fn, next) && someNode(fn.body, (n) => isSkip(n))) return "next('route') from a nested function";
  const route = () => j.stringLiteral('route');
  if (fn.body.type !== 'BlockStatement') {
    if (isSkip(fn.body)) { fn.body = route(); return true; }
    return someNode(fn.body, isSkip, true) ? "next('route') inside an expression" : false;
  }
  const program = j.program([j.expressionStatement(j.arrowFunctionExpression([], fn.body))]);
  const top = j(program).paths()[0]!.get('body', 0, 'expression') as ASTPath<any>;
  let rewrote = false;
  let reason: string | null = null;
  j(top).find(j.CallExpression).filter((p: ASTPath<any>) => isSkip(p.node)).forEach((p: ASTPath<any>) => {
    if (reason) return;
    const stmt = p.parent;
    if (inTry(p, top)) { reason = "next('route') inside try"; return; }
    if (stmt.node.type === 'ReturnStatement' && stmt.node.argument === p.node) { stmt.node.argument = route(); rewrote = true; return; }
    if (stmt.node.type === 'ExpressionStatement' && isTailPosition(stmt, top)) { stmt.replace(j.returnStatement(route())); rewrote = true; return; }
    if (stmt.node.type === 'ExpressionStatement' && Array.isArray(stmt.parent.node.body)) {
      const body = stmt.parent.node.body as any[];
      const after = body[body.indexOf(stmt.node) + 1];
      if (after?.type === 'ReturnStatement' && !after.argument) {
        body.splice(body.indexOf(stmt.node), 2, j.returnStatement(route()));
        rewrote = true;
        return;
      }
    }
    reason = "work after next('route')";
  });
  return reason ?? rewrote;
}

function inTry(p: ASTPath<any>, top: ASTPath<any>): boolean {
  for (let cur = p.parent; cur && cur !== top; cur = cur.parent) if (cur.node.type === 'TryStatement') return true;
  return false;
}

/** `next` is referenced inside a function nested in `fn`. */
function nextInNested(fn: any, next: string): boolean {
  return someNode(fn.body, (n) => isFunctionNode(n) && someNode(n, (m) => m.type === 'Identifier' && m.name === next), true);
}

/** Every return of the converted function's own body gives nothing or 'route', so its result means only that. */
function returnsOnlyRouteOrNothing(fn: any): boolean {
  if (fn.body.type !== 'BlockStatement') return isStringLiteral(fn.body) && fn.body.value === 'route';
  return !someNode(fn.body, (n) => n.type === 'ReturnStatement' && n.argument && !(isStringLiteral(n.argument) && n.argument.value === 'route'), true);
}

/** References of the identifier's binding in the file, the declaration aside. */
function referenceCount(fc: FileContext, argPath: ASTPath<any>): number {
  const { j, root } = fc;
  const name = argPath.node.name;
  const scope = argPath.scope.lookup(name);
  return root.find(j.Identifier, { name }).filter((p: ASTPath<any>) => isReference(p) && p.scope.lookup(name) === scope
    && !((p.parent.node.type === 'FunctionDeclaration' || p.parent.node.type === 'VariableDeclarator') && p.parent.node.id === p.node)).size();
}

function freeName(fc: FileContext, base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name) || fc.root.find(fc.j.Identifier, { name }).size() > 0; i++) name = `${base}${i}`;
  taken.add(name);
  return name;
}

/** Puts `statements` where `stmt` was; its comments go on the first one, or on the statement after it when there is none. */
function replaceKeepingComments(stmt: ASTPath<any>, statements: any[]): void {
  const comments = stmt.node.comments ?? [];
  if (statements.length > 0) {
    statements[0].comments = [...comments, ...(statements[0].comments ?? [])];
    stmt.replace(...statements);
    return;
  }
  const body = stmt.parent?.node.body;
  if (comments.length && Array.isArray(body)) {
    const at = body.indexOf(stmt.node);
    const neighbour = body[at + 1] ?? body[at - 1];
    if (neighbour) neighbour.comments = [...comments, ...(neighbour.comments ?? [])];
  }
  stmt.prune();
}
