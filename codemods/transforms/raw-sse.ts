/**
 * Server-Sent Events written by hand on the Express response:
 *
 *   res.status(200).set({ 'Content-Type': 'text/event-stream', ... });
 *   res.flushHeaders();                          ctx.status = 200; ctx.setHeader('Content-Type', ...);
 *   res.write(`retry: 3000\n\n`);          ->    await ctx.commitHead();
 *   writeEvent(res, event);                      ctx.res.flushHeaders();
 *   req.on('close', cleanup);                    ctx.res.write(`retry: 3000\n\n`);
 *                                                writeEvent(ctx.res, event);
 *                                                ctx.req.on('close', cleanup);
 *
 * Express's res.set only stores headers, res.flushHeaders() sends the head,
 * and res.write / res.end / req.on are node's own methods, which Express
 * does not override. The builder holds the same status and headers (the
 * same Content-Type, charset included, as res.set makes it),
 * ctx.commitHead() writes them with writeHead after the response
 * middleware, and `ctx.res.flushHeaders()` sends them at the same point of
 * the handler; from there on the writes and listeners land on the very same
 * node objects, so the bytes after the head are the same writes in the same
 * order. Taken only in that shape: head calls as statements of the handler
 * itself before the one `res.flushHeaders()`, after it only `res.write`,
 * `res.end`, `res.on/once('close')` and `res` handed to a function of the
 * module that only calls `.write` / `.end` on it (its TypeScript `Response`
 * annotation widened to `Context['res']`). A helper of the module
 * that takes `req` (`resumeFrom(req)`) is translated with the handler when
 * this handler is its only caller; otherwise the handler stays on Express.
 */
import type { ASTPath } from 'jscodeshift';
import { cloneNode, isFunctionNode, isReference, isStringLiteral, refsOf, someNode } from './ast-utils.js';
import { fail, type HandlerEnv } from './handler-env.js';
import { rewriteRequestRef } from './request-members.js';
import { CHAINABLE, chainFrom, translateChain, type ChainCall } from './response-calls.js';

/** Edits outside the handler (helpers taking ctx), made only when the converted handler is put in place. */
export type OutsideEdit = () => void;

/** Node's own members: the same on the Express response and on ctx.res. */
const RAW_CALLS = new Set(['write', 'end']);
const CLOSE_LISTENERS = new Set(['on', 'once']);

interface Plan {
  heads: Array<{ stmt: ASTPath<any>; calls: ChainCall[] }>;
  flush: ASTPath<any>;
  /** `res` identifiers to become `ctx.res`, `req` identifiers to become `ctx.req`. */
  rawRes: ASTPath<any>[];
  rawReq: ASTPath<any>[];
  /** `req` handed to module helpers: identifiers to become `ctx`. */
  reqArgs: ASTPath<any>[];
  /** Type annotations of write-only helpers to widen to the raw response. */
  edits: OutsideEdit[];
}

/**
 * Rewrites a hand-written event stream in the handler copy at `fn`; null when
 * the handler does not open one (no `res.flushHeaders()` after an
 * event-stream Content-Type), so the usual rules decide. Throws
 * NotConvertible with the reason when it opens one in a shape this rule
 * cannot prove.
 */
export function rewriteRawSse(env: HandlerEnv, fn: ASTPath<any>, original: any, req: string, res: string, next: string | null): OutsideEdit[] | null {
  const { j } = env.fc;
  const body = fn.node.body;
  if (body?.type !== 'BlockStatement' || env.role !== 'route' || env.settle) return null;
  const resRefs = refsOf(j, fn, res);
  const flushes = resRefs.filter((r) => memberName(r) === 'flushHeaders');
  if (flushes.length === 0 || !resRefs.some((r) => setsEventStream(r))) return null;
  if (flushes.length > 1) fail('res.flushHeaders() is called more than once');
  if (next !== null && refsOf(j, fn, next).length > 0) fail('an event stream handler that calls next()');
  const plan = planStream(env, fn, resRefs, flushes[0]!, req);
  const edits = plan.reqArgs.length > 0 ? translateRequestHelpers(env, original, plan.reqArgs) : [];
  applyPlan(env, plan);
  return [...plan.edits, ...edits];
}

function memberName(ref: ASTPath<any>): string | null {
  const m = ref.parent?.node;
  return m?.type === 'MemberExpression' && m.object === ref.node && !m.computed ? m.property.name : null;
}

function setsEventStream(ref: ASTPath<any>): boolean {
  const chain = chainFrom(ref);
  return !!chain && chain.calls.some((c) => contentTypeOf(c)?.toLowerCase().startsWith('text/event-stream'));
}

/** The literal Content-Type one head call sets, if any. */
function contentTypeOf(c: ChainCall): string | null {
  const [a, b] = c.args;
  if (c.name === 'type' || c.name === 'contentType') return isStringLiteral(a) ? a.value : null;
  if (c.name !== 'set' && c.name !== 'header' && c.name !== 'setHeader') return null;
  if (isStringLiteral(a) && a.value.toLowerCase() === 'content-type') return isStringLiteral(b) ? b.value : null;
  if (a?.type !== 'ObjectExpression') return null;
  for (const p of a.properties) {
    const key = p.key?.type === 'Identifier' && !p.computed ? p.key.name : isStringLiteral(p.key) ? p.key.value : null;
    if (key?.toLowerCase() === 'content-type' && isStringLiteral(p.value)) return p.value.value;
  }
  return null;
}

/** Index of the handler's own statement holding `p` (-1 when none does). */
function topIndex(fn: ASTPath<any>, p: ASTPath<any>): number {
  let cur: ASTPath<any> = p;
  while (cur.parent && cur.parent.node !== fn.node.body) cur = cur.parent;
  return (fn.node.body.body as any[]).indexOf(cur.node);
}

function planStream(env: HandlerEnv, fn: ASTPath<any>, resRefs: ASTPath<any>[], flushRef: ASTPath<any>, req: string): Plan {
  const { j } = env.fc;
  const flush = flushRef.parent.parent;
  if (flush.node.type !== 'CallExpression' || flush.node.arguments.length !== 0 || flush.parent.node.type !== 'ExpressionStatement' || flush.parent.parent.node !== fn.node.body) {
    fail('res.flushHeaders() is not a statement of the handler itself');
  }
  const flushAt = topIndex(fn, flush);
  const plan: Plan = { heads: [], flush: flush.parent, rawRes: [], rawReq: [], reqArgs: [], edits: [] };
  for (const ref of resRefs) {
    if (ref === flushRef) continue;
    const at = topIndex(fn, ref);
    if (at < flushAt) plan.heads.push(headStatement(fn, ref));
    else plan.rawRes.push(rawResponseUse(env, ref, plan.edits));
  }
  for (const ref of refsOf(j, fn, req)) {
    if (closeListener(ref)) plan.rawReq.push(ref);
    else if (ref.parent.node.type === 'CallExpression' && ref.parent.node.arguments.includes(ref.node)) plan.reqArgs.push(ref);
    // Any other use is an ordinary request member: the handler's usual rules translate it (request-members.ts).
  }
  return plan;
}

/** `res.status(200).set({...});` as a statement of the handler before the flush: the head. */
function headStatement(fn: ASTPath<any>, ref: ASTPath<any>): { stmt: ASTPath<any>; calls: ChainCall[] } {
  const chain = chainFrom(ref);
  const stmt = chain?.top.parent;
  if (!chain || stmt?.node.type !== 'ExpressionStatement' || stmt.parent.node !== fn.node.body) fail('the response is used before res.flushHeaders() other than to set the head');
  const other = chain.calls.find((c) => !CHAINABLE.has(c.name) || c.name === 'attachment' || c.name === 'location');
  if (other) fail(`res.${other.name}() before res.flushHeaders() of an event stream`);
  return { stmt, calls: chain.calls };
}

/** After the head: node's own response methods, or the response handed to a helper that only writes to it. */
function rawResponseUse(env: HandlerEnv, ref: ASTPath<any>, edits: OutsideEdit[]): ASTPath<any> {
  const name = memberName(ref);
  const called = ref.parent.parent?.node.type === 'CallExpression' && ref.parent.parent.node.callee === ref.parent.node;
  if (name !== null && called && (RAW_CALLS.has(name) || (CLOSE_LISTENERS.has(name) && closeListener(ref)))) return ref;
  const call = ref.parent.node;
  if (call.type === 'CallExpression' && call.callee !== ref.node && call.arguments.includes(ref.node)) {
    const edit = writeOnlyHelper(env, call, call.arguments.indexOf(ref.node));
    if (edit) edits.push(edit);
    return ref;
  }
  fail(name === null ? 'the event stream response is used as a value' : `res.${name} on an event stream has no raw counterpart here`);
}

/** `x.on('close', fn)` / `x.once('close', fn)` at the identifier `ref`. */
function closeListener(ref: ASTPath<any>): boolean {
  const name = memberName(ref);
  const call = ref.parent.parent?.node;
  return name !== null && CLOSE_LISTENERS.has(name) && call?.type === 'CallExpression' && call.callee === ref.parent.node
    && call.arguments.length === 2 && isStringLiteral(call.arguments[0]) && call.arguments[0].value === 'close';
}

/** A function declared at the top of the module, by name: its node, or null. */
function moduleFunction(env: HandlerEnv, name: string): { node: any; fn: any; holder: any } | null {
  const program = env.fc.root.get().node.program;
  const found: Array<{ node: any; fn: any; holder: any }> = [];
  for (const s of program.body) {
    if (s.type === 'FunctionDeclaration' && s.id?.name === name) found.push({ node: s, fn: s, holder: program });
    if (s.type === 'VariableDeclaration' && s.kind === 'const') {
      for (const d of s.declarations) if (d.id.type === 'Identifier' && d.id.name === name && isFunctionNode(d.init)) found.push({ node: s, fn: d.init, holder: program });
    }
  }
  return found.length === 1 ? found[0]! : null;
}

/**
 * `writeEvent(res, ...)`: the module's own `writeEvent` touches that parameter
 * only through `.write()` / `.end()`. A TypeScript annotation of it (Express's
 * `Response`) becomes `Context['res']`, node's ServerResponse, which Express's
 * Response extends: callers left on Express still type-check.
 */
function writeOnlyHelper(env: HandlerEnv, call: any, index: number): OutsideEdit | null {
  const { j } = env.fc;
  const callee = call.callee;
  const fnRef = callee.type === 'Identifier' ? moduleFunction(env, callee.name) : null;
  const what = callee.type === 'Identifier' ? callee.name : 'a function';
  if (!fnRef) fail(`the event stream response is handed to ${what}, not a function of this module`);
  const param = fnRef.fn.params[index];
  if (param?.type !== 'Identifier' || fnRef.fn.params.slice(0, index).some((p: any) => p.type === 'RestElement')) fail(`${what} takes the response as a pattern or rest parameter`);
  const helperPath = standalonePath(env, fnRef.fn);
  if (someNode(fnRef.fn.body, (n) => n.type === 'Identifier' && n.name === 'arguments')) fail(`${what} reads \`arguments\``);
  for (const ref of refsOf(j, helperPath, param.name)) {
    const name = memberName(ref);
    const grand = ref.parent.parent?.node;
    const called = grand?.type === 'CallExpression' && grand.callee === ref.parent.node;
    if (name === null || !called || !RAW_CALLS.has(name)) fail(`${what} uses its response parameter other than to call .write() or .end()`);
  }
  if (!param.typeAnnotation) return null;
  return () => {
    param.typeAnnotation = j.tsTypeAnnotation(j.tsIndexedAccessType(j.tsTypeReference(j.identifier('Context')), j.tsLiteralType(j.stringLiteral('res'))));
    env.fc.runtimeTypeNames.add('Context');
  };
}

/**
 * `resumeFrom(req)` where the module's `function resumeFrom(req)` is called
 * by this handler only: the helper takes the Context instead, its request
 * members translated as the handler's own are. Checked and rewritten on a
 * copy now; the copy replaces the helper once the handler is put in place.
 */
function translateRequestHelpers(env: HandlerEnv, original: any, args: ASTPath<any>[]): OutsideEdit[] {
  const { j } = env.fc;
  const byHelper = new Map<string, { call: any; index: number }[]>();
  for (const arg of args) {
    const call = arg.parent.node;
    if (call.callee.type !== 'Identifier') fail('the request object is passed around as a value');
    const list = byHelper.get(call.callee.name) ?? [];
    list.push({ call, index: call.arguments.indexOf(arg.node) });
    byHelper.set(call.callee.name, list);
  }
  const edits: OutsideEdit[] = [];
  for (const [name, calls] of byHelper) {
    const found = moduleFunction(env, name);
    if (!found || found.node.type !== 'FunctionDeclaration') fail(`the request object is handed to ${name}, not a function declared in this module`);
    const index = calls[0]!.index;
    if (calls.some((c) => c.index !== index)) fail(`${name} receives the request at different positions`);
    onlyCalledFrom(env, name, found.node, original, index);
    const { copy, typed } = helperTakingContext(env, found.node, index, name);
    edits.push(() => {
      if (typed) env.fc.runtimeTypeNames.add('Context');
      const list = found.holder.body as any[];
      const at = list.indexOf(found.node);
      if (at >= 0) list[at] = copy;
    });
  }
  return edits;
}

/** Every use of the helper in the module is a call from the handler being converted (its original node). */
function onlyCalledFrom(env: HandlerEnv, name: string, declaration: any, original: any, index: number): void {
  const { j, root } = env.fc;
  // A name the handler binds itself would be another function.
  if (someNode(original, (n) => n.type === 'Identifier' && n.name === name && !isCallee(original, n))) fail(`the handler binds or passes ${name} itself`);
  root.find(j.Identifier, { name }).forEach((p: ASTPath<any>) => {
    if (p.node === declaration.id || !isReference(p)) return;
    const call = p.parent.node;
    if (call.type !== 'CallExpression' || call.callee !== p.node) fail(`${name} is used as a value`);
    let cur: ASTPath<any> | null = p;
    while (cur && cur.node !== original) cur = cur.parent;
    if (!cur) fail(`${name} is also called from other code of the module (line ${p.node.loc?.start.line ?? '?'})`);
    if (call.arguments.length <= index) fail(`${name} is also called without the request`);
  });
}

function isCallee(root: any, id: any): boolean {
  return someNode(root, (n) => n.type === 'CallExpression' && n.callee === id);
}

/** A path for a function of the module on its own (a fresh program around it), for scope-aware reference lookups. */
function standalonePath(env: HandlerEnv, fnNode: any): ASTPath<any> {
  const { j } = env.fc;
  const statement = fnNode.type === 'FunctionDeclaration' ? fnNode : j.expressionStatement(fnNode);
  const top = j(j.program([statement])).paths()[0]!.get('body', 0) as ASTPath<any>;
  return fnNode.type === 'FunctionDeclaration' ? top : (top.get('expression') as ASTPath<any>);
}

/** A copy of `function helper(req)` taking `ctx`, its `req.*` translated; fails when one has no counterpart. */
function helperTakingContext(env: HandlerEnv, declaration: any, index: number, name: string): { copy: any; typed: boolean } {
  const { j } = env.fc;
  const copy = cloneNode(declaration);
  const param = copy.params[index];
  if (param?.type !== 'Identifier' || copy.params.slice(0, index).some((p: any) => p.type === 'RestElement')) fail(`${name} takes the request as a pattern or rest parameter`);
  if (someNode(copy.body, (n) => n.type === 'Identifier' && (n.name === 'arguments' || n.name === env.ctx))) fail(`${name} reads \`arguments\` or already uses the name ${env.ctx}`);
  const top = standalonePath(env, copy);
  let refs = refsOf(j, top, param.name);
  for (let guard = 0; refs.length > 0; guard++) {
    if (guard > 200) fail(`too many uses of the request in ${name}`);
    const before = refs.length;
    rewriteRequestRef(env, refs[0]!);
    refs = refsOf(j, top, param.name);
    if (refs.length >= before) fail(`could not translate a use of the request in ${name}`);
  }
  const ctxParam = j.identifier(env.ctx);
  const typed = !!param.typeAnnotation;
  if (typed) (ctxParam as any).typeAnnotation = j.tsTypeAnnotation(j.tsTypeReference(j.identifier('Context')));
  copy.params[index] = ctxParam;
  return { copy, typed };
}

function applyPlan(env: HandlerEnv, plan: Plan): void {
  const { j } = env.fc;
  const ctx = () => j.identifier(env.ctx);
  // Identifiers first: the head and flush statements they do not touch are replaced after.
  for (const ref of plan.rawRes) ref.replace(j.memberExpression(ctx(), j.identifier('res')));
  for (const ref of plan.rawReq) ref.replace(j.memberExpression(ctx(), j.identifier('req')));
  for (const ref of plan.reqArgs) ref.replace(ctx());
  for (const head of plan.heads) {
    const { statements, terminal } = translateChain(env, head.calls);
    if (terminal) fail('the head of an event stream ends the response');
    moveComments(head.stmt.node, statements);
    head.stmt.replace(...statements);
  }
  const commit = j.expressionStatement(j.awaitExpression(j.callExpression(j.memberExpression(ctx(), j.identifier('commitHead')), [])));
  const flush = j.expressionStatement(j.callExpression(j.memberExpression(j.memberExpression(ctx(), j.identifier('res')), j.identifier('flushHeaders')), []));
  moveComments(plan.flush.node, [commit, flush]);
  plan.flush.replace(commit, flush);
}

function moveComments(from: any, to: any[]): void {
  if (from.comments?.length && to.length > 0) to[0].comments = [...from.comments, ...(to[0].comments ?? [])];
}
