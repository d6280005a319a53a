/**
 * One Express handler `(req, res[, next])` / `(err, req, res, next)` ->
 * `async (ctx)` / `async (ctx, err)`. Works on a copy of the function and
 * gives the copy back only when every use of req, res and next was
 * translated; otherwise the reason, and the original stays untouched.
 */
import type { ASTPath } from 'jscodeshift';
import { cloneNode, enclosingFunction, isFunctionNode, isTailPosition, refsOf, someNode } from './ast-utils.js';
import { inlineCallbacks, TRANSPARENT_FUNCTIONS } from './callback-inline.js';
import type { FileContext } from './context.js';
import { fail, NotConvertible, type HandlerEnv, type Role } from './handler-env.js';
import { rewriteRequestRef } from './request-members.js';
import { chainFrom, NO_COUNTERPART, staticKind, rewriteResponseValue, setsContentType, TERMINAL, translateChain } from './response-calls.js';
import { checkSingleResponse } from './response-flow.js';
import { rewriteRawSse } from './raw-sse.js';
import { finishRespondPromise, guarded, wrapInRespondPromise } from './respond-promise.js';
import { translateResponseEvents } from './response-events.js';
import { pipeIntoResponse } from './response-pipe.js';
import { rewriteFileCallbacks } from './file-callbacks.js';
import { rewriteFinishRouteReads } from './finish-route-reads.js';
import { awaitStreamOpen } from './stream-open.js';
import { inlineFormatCalls } from './res-format.js';
import { rejectRenderCallbacks, setViewApp } from './res-render.js';
import { spreadRequestDestructuring } from './req-destructure.js';
import { contextAnnotation, typedErrorParam } from './context-types.js';

export interface HandlerSite {
  role: Role;
  relativeUrl: boolean;
  indexNames: Map<number, string>;
  stateReadable: Set<string>;
  bridgeable?: boolean;
  routeSegments?: number | null;
  /** Express 5 named wildcards of the route path (PathResult.wildcards). */
  wildcards?: Map<string, number>;
  /** A route registration that can check afterwards that Express's next() reaches what ctx.fallThrough() reaches. */
  fallThrough?: boolean;
  /** The runtime paths of the route (a param in all of them is always set): file-call-args.ts. */
  routePaths?: string[];
  /** The legacy Express app holding the app's view settings, when this handler renders with them (res-render.ts). */
  viewApp?: string;
  /** An error handler registered last on its app: its next(err) reached Express's final handler. */
  lastErrorHandler?: boolean;
}

export type HandlerResult =
  | { ok: true; node: any; stateWrites: Set<string>; bridgedReads: Set<string>; typed: boolean; fallsThrough?: boolean; /** Edits outside the handler (raw-sse.ts helpers), made when it is put in place. */ outside?: () => void }
  | { ok: false; reason: string };

/** True when `fn` looks like an Express handler for `role` by its parameter list. */
export function hasHandlerShape(fn: any, role: Role): boolean {
  if (!isFunctionNode(fn) || fn.generator) return false;
  const n = fn.params.length;
  return role === 'error' ? n === 4 : n >= 2 && n <= 3;
}

const NESTED_REASON = 'is used inside a nested function that cannot be awaited';

/**
 * Callbacks are awaited in place first (callback-inline.ts); a handler that
 * still answers from a callback is tried again as one respond-promise.
 */
export function convertHandler(fc: FileContext, fnNode: any, site: HandlerSite): HandlerResult {
  try {
    return convert(fc, fnNode, site, 'inline');
  } catch (err) {
    if (!(err instanceof NotConvertible)) throw err;
    if (!err.message.includes(NESTED_REASON)) return { ok: false, reason: err.message };
    try {
      return convert(fc, fnNode, site, 'promise');
    } catch (again) {
      if (again instanceof NotConvertible) return { ok: false, reason: `${err.message}; as a respond-promise: ${again.message}` };
      throw again;
    }
  }
}

function paramName(p: any, what: string): string {
  if (p?.type !== 'Identifier') fail(`the ${what} parameter is destructured or defaulted`);
  return p.name;
}

function pickContextName(fn: any): string {
  for (const name of ['ctx', 'context', 'c']) {
    if (!someNode(fn, (n) => n.type === 'Identifier' && n.name === name)) return name;
  }
  fail('no free name for the context parameter');
}

function convert(fc: FileContext, fnNode: any, site: HandlerSite, strategy: 'inline' | 'promise'): HandlerResult {
  const { j } = fc;
  if (!hasHandlerShape(fnNode, site.role)) fail('not an Express handler signature');
  const offset = site.role === 'error' ? 1 : 0;
  const errParam = site.role === 'error' ? fnNode.params[0] : null;
  const req = paramName(fnNode.params[offset], 'request');
  const res = paramName(fnNode.params[offset + 1], 'response');
  const next = fnNode.params[offset + 2] ? paramName(fnNode.params[offset + 2], 'next') : null;
  if (someNode(fnNode.body, (n) => n.type === 'Identifier' && n.name === 'arguments', true)) fail('the handler reads `arguments`');

  const clone = cloneNode(fnNode);
  const program = j.program([clone.type === 'FunctionDeclaration' ? clone : j.expressionStatement(clone)]);
  // The clone's path, straight down from the program (the same cached path a find(j.Node) walk would give).
  const top = j(program).paths()[0].get('body', 0);
  const fn = (clone.type === 'FunctionDeclaration' ? top : top.get('expression')) as ASTPath<any>;
  const env: HandlerEnv = {
    fc, role: site.role, relativeUrl: site.relativeUrl, indexNames: site.indexNames, stateReadable: site.stateReadable,
    ctx: pickContextName(fnNode), setsContentType: false, sendsString: false, stateWrites: new Set(),
    bridgeable: site.bridgeable ?? false, bridgedReads: new Set(), routeSegments: site.routeSegments ?? null, settle: null,
    wildcards: site.wildcards ?? new Map(),
    fallThrough: site.fallThrough === true && site.role === 'route', fellThrough: false,
  };
  setViewApp(env, site.viewApp, site.lastErrorHandler === true);
  const typed = !!fnNode.params[offset].typeAnnotation || /\.[mc]?tsx?$/.test(fc.options.path);
  const names = [req, res, ...(next ? [next] : [])];
  // `const { post } = req`: one `req.<name>` read per name, translated like any other (req-destructure.ts).
  spreadRequestDestructuring(env, fn, req);

  // A hand-written event stream: head, res.flushHeaders(), then node's own writes (raw-sse.ts).
  const outside = strategy === 'inline' ? rewriteRawSse(env, fn, fnNode, req, res, next) : null;
  // res.on('finish', fn) listens on the raw response the runtime writes to (response-events.ts).
  // req.route / req.baseUrl read when the response finishes: the node request's, as Express left them (finish-route-reads.ts).
  rewriteFinishRouteReads(env, fn, req, res);
  translateResponseEvents(env, fn, res, next);
  rejectRenderCallbacks(env, fn, res);
  // Name the first Express-only member up front: a clearer reason than any later check.
  for (const ref of refsOf(j, fn, res)) {
    const m = ref.parent.node;
    if (m.type === 'MemberExpression' && m.object === ref.node && !m.computed && NO_COUNTERPART[m.property.name]) fail(NO_COUNTERPART[m.property.name]);
  }
  // res.sendFile/res.download callbacks become a try/catch around ctx.file, before they could be inlined (file-callbacks.ts).
  if (strategy === 'inline') rewriteFileCallbacks(env, fn, { req, res, next }, site.routePaths ?? []);
  // A read stream piped once open, its 'error' listener calling next: awaited in place (stream-open.ts).
  if (strategy === 'inline') awaitStreamOpen(env, fn, res, next);
  if (strategy === 'inline') inlineCallbacks(env, fn, names, next);
  else env.settle = wrapInRespondPromise(env, fn, names, typed);
  // res.format's callbacks run in place (also where a Node-style callback was just awaited), before they would count as nested functions (res-format.ts).
  inlineFormatCalls(env, fn, res);
  // Nothing below rewrites the clone until translateNextCalls: one walk per name serves every check.
  const refs = new Map(names.map((name) => [name, refsOf(j, fn, name)] as const));
  for (const name of names) {
    for (const ref of refs.get(name)!) {
      if (ownerFunction(ref) === clone) continue;
      const unstable = name === req ? unstableRequestUse(env, ref) : null;
      if (name === req && !unstable) continue;
      if (!env.settle) fail(`${name} ${NESTED_REASON} (a callback that is not Node-style, in a loop, or followed by more code)`);
      if (unstable) fail(unstable);
    }
  }
  env.setsContentType = refs.get(res)!.some((r) => { const c = chainFrom(r); return !!c && setsContentType(c.calls); });
  env.sendsString = refs.get(res)!.some((r) => { const c = chainFrom(r); return !!c && c.calls.some((k) => k.name === 'send' && k.args[0] && staticKind(k.args[0]) === 'string'); });

  const events = collectEvents(env, fn, res, next);
  if (env.settle) checkEachFunction(env, fn, events);
  else checkSingleResponse(clone.body, events);
  if (next) translateNextCalls(env, fn, next);
  drain(env, fn, res, (ref) => translateResponseRef(env, fn, ref));
  drain(env, fn, req, (ref) => rewriteRequestRef(env, ref));
  if (env.settle) finishRespondPromise(env, env.settle);

  const ctxParam = j.identifier(env.ctx);
  // Context<Locals, P> from the Express generics; alignContextTypes checks them against the registrations (context-types.ts).
  if (typed) (ctxParam as any).typeAnnotation = contextAnnotation(fc, fnNode, offset);
  clone.params = errParam ? [ctxParam, typed ? typedErrorParam(fc, errParam) : errParam] : [ctxParam];
  clone.async = true;
  if (clone.returnType) clone.returnType = null;
  return { ok: true, node: clone, stateWrites: env.stateWrites, bridgedReads: env.bridgedReads, typed, ...(env.fellThrough ? { fallsThrough: true } : {}), ...(outside?.length ? { outside: () => outside.forEach((edit) => edit()) } : {}) };
}

/**
 * `req.query.x` read inside a callback (`events.find((e) => e.id === Number(req.params.id))`):
 * the Context member holds the same value whenever the callback runs. In
 * middleware, Express changes req.params/url/path/baseUrl once next() moves
 * on, so those stay in the handler's own code.
 */
function unstableRequestUse(env: HandlerEnv, ref: ASTPath<any>): string | null {
  const member = ref.parent?.node;
  if (member?.type !== 'MemberExpression' || member.object !== ref.node || member.computed) return 'req is passed around inside a callback';
  const name = member.property.name as string;
  if (env.role !== 'route' && ['params', 'url', 'path', 'baseUrl'].includes(name)) return `req.${name} is read inside a callback of middleware (Express changes it once next() moves on)`;
  // Assignments (req.user = x) and calls with side effects (req.on) are not reads.
  const outer = ref.parent.parent?.node;
  const written = (outer?.type === 'AssignmentExpression' && outer.left === member) || outer?.type === 'UpdateExpression' || (outer?.type === 'UnaryExpression' && outer.operator === 'delete');
  if (written) return `req.${name} is written inside a callback`;
  if (outer?.type === 'CallExpression' && outer.callee === member && !['get', 'header', 'is', 'accepts'].includes(name)) return `req.${name}() is called inside a callback`;
  return null;
}

/** In a respond-promise every function is checked on its own: a callback may not answer twice on one path either. */
function checkEachFunction(env: HandlerEnv, fn: ASTPath<any>, events: ReturnType<typeof collectEvents>): void {
  const { j } = env.fc;
  const all = [...events.responds, ...events.continues];
  const owners = new Set<any>([env.settle!.executor]);
  j(fn).find(j.Node).filter((p: ASTPath<any>) => all.includes(p.node)).forEach((p: ASTPath<any>) => { owners.add(enclosingFunction(p)?.node); });
  for (const owner of owners) if (owner) checkSingleResponse(owner.body, events);
}

function ownerFunction(ref: ASTPath): any {
  let fn = enclosingFunction(ref);
  while (fn && TRANSPARENT_FUNCTIONS.has(fn.node)) fn = enclosingFunction(fn);
  return fn?.node;
}

/**
 * Re-queries after every rewrite (paths go stale when nodes are replaced) until
 * no reference is left; the query that checks a rewrite made progress is the
 * next round's list.
 */
function drain(env: HandlerEnv, fn: ASTPath<any>, name: string, rewrite: (ref: ASTPath<any>) => void): void {
  let refs = refsOf(env.fc.j, fn, name);
  for (let guard = 0; guard < 500; guard++) {
    if (refs.length === 0) return;
    const before = refs.length;
    rewrite(refs[0]);
    refs = refsOf(env.fc.j, fn, name);
    if (refs.length >= before) fail(`could not translate a use of ${name}`);
  }
  fail(`too many uses of ${name}`);
}

function collectEvents(env: HandlerEnv, fn: ASTPath<any>, res: string, next: string | null) {
  const responds = new Set<any>();
  const continues = new Set<any>();
  for (const ref of refsOf(env.fc.j, fn, res)) {
    const chain = chainFrom(ref);
    if (chain && chain.calls.some((c) => TERMINAL.has(c.name))) responds.add(chain.top.node);
  }
  if (next) {
    for (const ref of refsOf(env.fc.j, fn, next)) {
      const call = ref.parent.node;
      if (call.type !== 'CallExpression' || call.callee !== ref.node) fail('next is passed as a value');
      const [arg] = call.arguments;
      if (arg && (arg.type === 'StringLiteral' || arg.type === 'Literal') && (arg.value === 'route' || arg.value === 'router')) fail(`next('${arg.value}') skips to another route`);
      if (!arg) continues.add(call);
    }
  }
  return { responds, continues };
}

type Container = { kind: 'statement' | 'return' | 'arrow'; path: ASTPath<any> };

/** Where an expression sits: its own statement, a return, or an arrow body. Anything else keeps the handler on Express. */
function containerOf(fn: ASTPath<any>, top: ASTPath<any>, what: string): Container {
  const parent = top.parent;
  if (parent.node.type === 'ExpressionStatement') return { kind: 'statement', path: parent };
  if (parent.node.type === 'ReturnStatement' && parent.node.argument === top.node) return { kind: 'return', path: parent };
  if (parent.node === fn.node && fn.node.body === top.node) return { kind: 'arrow', path: parent };
  if (parent.node.type === 'AwaitExpression' && parent.parent.node.type === 'ExpressionStatement') return { kind: 'statement', path: parent.parent };
  fail(`${what} is used inside an expression`);
}

/** Nothing runs after `stmt`: it is in tail position, or a bare `return;` follows it. */
function endsHandler(stmt: ASTPath<any>, fn: ASTPath<any>): boolean {
  const body = stmt.parent?.node.body;
  const next = Array.isArray(body) ? body[body.indexOf(stmt.node) + 1] : undefined;
  return isTailPosition(stmt, fn) || (next?.type === 'ReturnStatement' && !next.argument);
}

/** Puts `statements` where the container was. */
function replaceContainer(env: HandlerEnv, fn: ASTPath<any>, c: Container, statements: any[]): void {
  const { j } = env.fc;
  if (c.kind === 'arrow') {
    const only = statements.length === 1 && statements[0].type === 'ExpressionStatement' ? statements[0].expression : null;
    fn.node.body = only ?? j.blockStatement(statements);
    return;
  }
  if (c.kind === 'return' && !isTailPosition(c.path, fn)) statements = [...statements, j.returnStatement(null)];
  // Comments on the replaced statement move to the first replacement (or the block holding them).
  const comments = c.path.node.comments;
  if (comments?.length) {
    if (statements.length === 0) {
      const body = c.path.parent.node.body;
      const next = Array.isArray(body) ? body[body.indexOf(c.path.node) + 1] : null;
      if (next) next.comments = [...comments, ...(next.comments ?? [])];
    } else statements[0].comments = [...comments, ...(statements[0].comments ?? [])];
  }
  const inList = Array.isArray(c.path.parent.node.body) || c.path.parent.node.type === 'SwitchCase';
  if (statements.length === 0) {
    if (inList) c.path.prune();
    else c.path.replace(j.blockStatement([]));
  } else if (inList || statements.length === 1) c.path.replace(...statements);
  else c.path.replace(j.blockStatement(statements));
}

function translateNextCalls(env: HandlerEnv, fn: ASTPath<any>, next: string): void {
  const { j } = env.fc;
  drain(env, fn, next, (ref) => {
    const call = ref.parent;
    if (!env.settle && committedGuard(env, fn, call)) return;
    const c = containerOf(fn, call, 'next()');
    const [arg] = call.node.arguments;
    if (env.settle) return settleNext(env, fn, c, arg);
    if (env.role === 'route' && fallThroughNext(env, fn, c, call, arg)) return;
    if (!arg) {
      if (env.role === 'route') fail('next() in a route handler falls through to later routes');
      if (env.role !== 'middleware') fail('next() in an error or not-found handler delegates to Express');
      if (c.kind === 'statement' && !isTailPosition(c.path, fn)) fail('work after next()');
      replaceContainer(env, fn, c.kind === 'return' ? c : c, []);
      return;
    }
    if (env.role === 'error') fail('next(err) in an error handler delegates to the next Express error handler');
    if (arg.type === 'ConditionalExpression' && (isNothing(arg.consequent) || isNothing(arg.alternate))) fail('next(test ? undefined : err) either continues or fails');
    replaceContainer(env, fn, c.kind === 'return' ? { kind: 'statement', path: c.path } : c, [j.throwStatement(arg)]);
  });
}

const NEXT_FALLS_THROUGH = 'next() in a route handler falls through to later routes';

/** `undefined`, `void 0` or `null`: next() with it continues as next() does. */
function isNothing(node: any): boolean {
  return (node.type === 'Identifier' && node.name === 'undefined') || node.type === 'NullLiteral' || (node.type === 'Literal' && node.value === null)
    || (node.type === 'UnaryExpression' && node.operator === 'void' && /Literal$/.test(node.argument.type));
}

/**
 * A route's `next()` -> `ctx.fallThrough()` (it throws, so `return next()` keeps its shape), and
 * `next(test ? undefined : err)` -> `if (test) ctx.fallThrough(); throw err;`. Whether the request then meets what
 * Express would have run is the registration's to prove (registrations.ts); here only the handler's own shape.
 */
function fallThroughNext(env: HandlerEnv, fn: ASTPath<any>, c: Container, call: ASTPath<any>, arg: any): boolean {
  const { j } = env.fc;
  const handOn = () => j.callExpression(j.memberExpression(j.identifier(env.ctx), j.identifier('fallThrough')), []);
  const conditional = arg?.type === 'ConditionalExpression' && (isNothing(arg.consequent) || isNothing(arg.alternate));
  if (conditional && isNothing(arg.consequent) && isNothing(arg.alternate)) fail(NEXT_FALLS_THROUGH);
  if (arg && !conditional) return false;
  if (!env.fallThrough) fail(NEXT_FALLS_THROUGH);
  env.fellThrough = true;
  if (!arg) {
    call.replace(handOn());
    return true;
  }
  const test = isNothing(arg.consequent) ? arg.test : j.unaryExpression('!', arg.test);
  const err = isNothing(arg.consequent) ? arg.alternate : arg.consequent;
  replaceContainer(env, fn, c.kind === 'return' ? { kind: 'statement', path: c.path } : c,
    [j.ifStatement(test, j.expressionStatement(handOn())), j.throwStatement(err)]);
  return true;
}

/**
 * `if (res.headersSent) return next(err)` (or `{ next(err); return; }`) in error middleware -> `if (res.headersSent) return;`
 * (then ctx.committed). Too late to answer: Express's final handler destroys the socket, and the runtime cuts a
 * committed response after its panic hooks, which all run either way.
 */
function committedGuard(env: HandlerEnv, fn: ASTPath<any>, call: ASTPath<any>): boolean {
  const [err, , res] = fn.node.params;
  const args = call.node.arguments;
  if (env.role !== 'error' || args.length !== 1 || args[0].type !== 'Identifier' || args[0].name !== err?.name) return false;
  const stmt = call.parent;
  const returned = stmt.node.type === 'ReturnStatement' && stmt.node.argument === call.node;
  if (!returned && stmt.node.type !== 'ExpressionStatement') return false;
  let branch = stmt;
  if (stmt.parent.node.type === 'BlockStatement') {
    const body = stmt.parent.node.body;
    const alone = returned ? body.length === 1 : body.length === 2 && body[0] === stmt.node && body[1].type === 'ReturnStatement' && !body[1].argument;
    if (!alone) return false;
    branch = stmt.parent;
  } else if (!returned) return false;
  const guard = branch.parent.node;
  const test = guard.test;
  if (guard.type !== 'IfStatement' || guard.consequent !== branch.node || guard.alternate
    || test.type !== 'MemberExpression' || test.computed || test.object.type !== 'Identifier' || test.object.name !== res?.name || test.property.name !== 'headersSent') return false;
  if (branch.node.type === 'BlockStatement') branch.node.body = [env.fc.j.returnStatement(null)];
  else guard.consequent = env.fc.j.returnStatement(null);
  return true;
}

/**
 * In a respond-promise, next() / next(err) settle the promise. Express runs
 * the next handler inside next(), before the code after it: that code must
 * not exist (next is last in its function, or returned).
 */
function settleNext(env: HandlerEnv, fn: ASTPath<any>, c: Container, arg: any): void {
  const settle = env.settle!;
  if (!arg && env.role === 'route') fail('next() in a route handler falls through to later routes');
  if (!arg && env.role !== 'middleware') fail('next() in an error or not-found handler delegates to Express');
  if (arg && env.role === 'error') fail('next(err) in an error handler delegates to the next Express error handler');
  if (arg?.type === 'ConditionalExpression' && (isNothing(arg.consequent) || isNothing(arg.alternate))) fail(env.role === 'route' ? NEXT_FALLS_THROUGH : 'next(test ? undefined : err) either continues or fails');
  const own = enclosingFunction(c.path);
  if (c.kind === 'statement' && (!own || !isTailPosition(c.path, own))) fail('work after next() in a callback');
  replaceGuarded(env, fn, c, guarded(env, settle, [], arg ? 'reject' : 'resolve', arg));
}

/** `if (x) res.json(y)` -> `if (x) { if (!responded) { ... } }`: braces, so the guard does not read as an else-less chain. */
function replaceGuarded(env: HandlerEnv, fn: ASTPath<any>, c: Container, guard: any): void {
  const bare = c.path.parent.node.type === 'IfStatement' && c.kind === 'statement';
  replaceContainer(env, fn, c, [bare ? env.fc.j.blockStatement([guard]) : guard]);
}

function translateResponseRef(env: HandlerEnv, fn: ASTPath<any>, ref: ASTPath<any>): void {
  const { j } = env.fc;
  const member = ref.parent;
  if (pipeIntoResponse(env, fn, ref)) return; // `source.pipe(res)` last: ctx.stream(source) (response-pipe.ts)
  if (member?.node.type !== 'MemberExpression' || member.node.object !== ref.node || member.node.computed) fail('the response object is passed around as a value');
  if (rewriteResponseValue(env, member)) return;
  const chain = chainFrom(ref);
  if (!chain) fail(`res.${member.node.property.name} has no runtime counterpart`);
  const c = containerOf(fn, chain.top, `res.${chain.calls[0].name}()`);
  // With an asynchronous view engine Express runs the code after res.render before the page is sent.
  if (chain.calls.at(-1)!.name === 'render' && c.kind === 'statement' && !endsHandler(c.path, fn)) fail('code follows res.render()');
  const { statements, terminal, awaits } = translateChain(env, chain.calls);
  if (terminal && env.role === 'middleware') {
    statements.push(j.expressionStatement(j.callExpression(j.memberExpression(j.identifier(env.ctx), j.identifier('abort')), [])));
  }
  if (!env.settle) return replaceContainer(env, fn, c, statements);
  if (awaits) fail(`res.${chain.calls.at(-1)!.name}() inside a callback (the file is sent asynchronously)`);
  replaceGuarded(env, fn, c, guarded(env, env.settle, statements, terminal ? 'resolve' : null));
}
