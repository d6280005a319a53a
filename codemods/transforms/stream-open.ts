/**
 * A file stream opened, then piped once it is open, its 'error' listener handing the error to next:
 *
 *   const stream = fs.createReadStream(file);                const stream = fs.createReadStream(file);
 *   stream.on('error', (err) => next(                         try {
 *     err.code === 'ENOENT' ? undefined : err));                await nodeEvents.once(stream, 'open');
 *   stream.once('open', () => {                     ->          res.type('text/csv');
 *     res.type('text/csv');                                     await nodeEvents.once(stream, 'readable');
 *     stream.pipe(res);                                       } catch (err) {
 *   });                                                         return next(err.code === 'ENOENT' ? undefined : err);
 *                                                             }
 *                                                             stream.pipe(res);
 *
 * (then translated as any handler code: `ctx.fallThrough()` / `throw err`, ctx.setHeader, ctx.stream).
 * Why it is the same program: Express writes nothing before the first chunk, so every error before it
 * (the file cannot be opened: ENOENT; or its first read fails: EISDIR for a directory, which opens fine)
 * reaches next() with nothing sent, and the error handler answers cleanly, with the head the 'open'
 * listener set when the file did open (res.json keeps its Content-Type). 'readable' is the first chunk
 * (or the end of an empty file); events.once rejects on an 'error' before it, and nothing reads the
 * stream between the two awaits. The handler's own code has
 * ended in Express by then, so awaiting it in the handler runs the same code. Taken only when the three
 * statements end the handler, the stream is used nowhere else, the 'error' listener is one next(...) call
 * and the 'open' listener sets the head on res (status, type, headers) then ends with `stream.pipe(res)`.
 * After the first chunk the listener stays in Express: a read error mid-file calls next(err) with the head
 * sent (Express then destroys the socket); the runtime's ctx.stream cuts the connection at once. Both leave
 * the client a truncated response (docs/codemod-rules.md).
 */
import type { ASTPath } from 'jscodeshift';
import { isFunctionNode, isTailPosition, someNode } from './ast-utils.js';
import type { HandlerEnv } from './handler-env.js';

/** Rewrites the pattern above in the handler at `fn` (statements of its own body); returns whether it did. */
export function awaitStreamOpen(env: HandlerEnv, fn: ASTPath<any>, res: string, next: string | null): boolean {
  if (!next || env.role !== 'route' || fn.node.body.type !== 'BlockStatement') return false;
  const { j } = env.fc;
  const body = fn.node.body.body as any[];
  if (body.length < 3) return false;
  const [decl, onError, onOpen] = body.slice(-3);
  const name = streamName(decl);
  if (!name) return false;
  const errorListener = listener(onError, name, 'on', 'error');
  const openListener = listener(onOpen, name, 'once', 'open') ?? listener(onOpen, name, 'on', 'open');
  if (!errorListener || !openListener) return false;
  const handOn = errorCall(errorListener, next);
  if (!handOn) return false;
  const openBody = openListener.body.type === 'BlockStatement' ? openListener.body.body : null;
  if (!openBody || openListener.params.length !== 0 || !endsWithPipe(openBody, name, res)) return false;
  if (!openBody.slice(0, -1).every((st: any) => setsHead(st, res))) return false;
  if (!isTailPosition(fn.get('body', 'body', body.length - 1), fn)) return false;
  // The stream is used by these statements only: its declaration, the two listeners and the pipe.
  if (countUses(body, name) !== 4) return false;
  env.fc.helperImports.set('nodeEvents', 'node:events');
  const awaitEvent = (event: string) => j.expressionStatement(j.awaitExpression(j.callExpression(j.memberExpression(j.identifier('nodeEvents'), j.identifier('once')), [j.identifier(name), j.stringLiteral(event)])));
  const param = j.identifier(errorListener.params[0].name);
  if (/\.[mc]?tsx?$/.test(env.fc.options.path)) (param as any).typeAnnotation = j.tsTypeAnnotation(j.tsAnyKeyword());
  const head = openBody.slice(0, -1);
  const attempt = j.tryStatement(j.blockStatement([awaitEvent('open'), ...head, awaitEvent('readable')]), j.catchClause(param, null, j.blockStatement([j.returnStatement(handOn)])));
  (attempt as any).comments = [...(onError.comments ?? []), ...(onOpen.comments ?? [])];
  fn.node.body.body = [...body.slice(0, -2), attempt, openBody.at(-1)];
  return true;
}

/** `const stream = <x>.createReadStream(...)` -> 'stream'. */
function streamName(decl: any): string | null {
  if (decl?.type !== 'VariableDeclaration' || decl.kind !== 'const' || decl.declarations.length !== 1) return null;
  const d = decl.declarations[0];
  const init = d.init;
  if (d.id.type !== 'Identifier' || init?.type !== 'CallExpression') return null;
  const callee = init.callee;
  const isCreate = (callee.type === 'MemberExpression' && !callee.computed && callee.property.name === 'createReadStream') || (callee.type === 'Identifier' && callee.name === 'createReadStream');
  return isCreate ? d.id.name : null;
}

/** The listener of `<name>.<method>('<event>', fn);`, not async, not a generator. */
function listener(stmt: any, name: string, method: string, event: string): any {
  const call = stmt?.type === 'ExpressionStatement' ? stmt.expression : null;
  if (call?.type !== 'CallExpression' || call.arguments.length !== 2) return null;
  const callee = call.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.object.type !== 'Identifier' || callee.object.name !== name || callee.property.name !== method) return null;
  const [ev, fn] = call.arguments;
  if (!((ev.type === 'StringLiteral' || ev.type === 'Literal') && ev.value === event) || !isFunctionNode(fn) || fn.async || fn.generator) return null;
  return fn;
}

/** `(err) => next(x)` or `(err) => { next(x); }` -> the `next(x)` call (x mentions nothing but err and literals). */
function errorCall(fn: any, next: string): any {
  if (fn.params.length !== 1 || fn.params[0].type !== 'Identifier') return null;
  const only = fn.body.type === 'BlockStatement' ? (fn.body.body.length === 1 && fn.body.body[0].type === 'ExpressionStatement' ? fn.body.body[0].expression : null) : fn.body;
  if (only?.type !== 'CallExpression' || only.callee.type !== 'Identifier' || only.callee.name !== next || only.arguments.length > 1) return null;
  if (fn.type !== 'ArrowFunctionExpression' && someNode(fn.body, (n) => n.type === 'ThisExpression' || (n.type === 'Identifier' && n.name === 'arguments'), true)) return null;
  return only;
}

const HEAD_CALLS = new Set(['status', 'type', 'contentType', 'set', 'header', 'setHeader', 'append', 'vary', 'attachment']);

/** `res.type('text/csv');`, `res.status(200).set(...)`: a statement that only sets the head, with literal arguments. */
function setsHead(st: any, res: string): boolean {
  let call = st.type === 'ExpressionStatement' ? st.expression : null;
  for (;;) {
    if (call?.type !== 'CallExpression' || call.callee.type !== 'MemberExpression' || call.callee.computed || !HEAD_CALLS.has(call.callee.property.name)) return false;
    if (!call.arguments.every((a: any) => /Literal$/.test(a.type) || a.type === 'ObjectExpression' && a.properties.every((p: any) => /Literal$/.test(p.value?.type ?? '')))) return false;
    const object = call.callee.object;
    if (object.type === 'Identifier') return object.name === res;
    call = object;
  }
}

function endsWithPipe(stmts: any[], name: string, res: string): boolean {
  const last = stmts.at(-1);
  const call = last?.type === 'ExpressionStatement' ? last.expression : null;
  return call?.type === 'CallExpression' && call.callee.type === 'MemberExpression' && !call.callee.computed && call.callee.property.name === 'pipe'
    && call.callee.object.type === 'Identifier' && call.callee.object.name === name && call.arguments.length === 1
    && call.arguments[0].type === 'Identifier' && call.arguments[0].name === res;
}

/** Identifier nodes named `name` in the statements (the declaration, two listener calls, the pipe). */
function countUses(body: any[], name: string): number {
  let n = 0;
  const walk = (node: any): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) { node.forEach(walk); return; }
    if (typeof node.type !== 'string') return;
    if (node.type === 'Identifier' && node.name === name) n++;
    for (const k of Object.keys(node)) if (k !== 'loc' && k !== 'original' && k !== 'tokens' && k !== 'comments') walk(node[k]);
  };
  walk(body);
  return n;
}
