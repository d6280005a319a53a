/**
 * `res.on('finish', listener)` / `res.on('close', listener)` (or once) in a
 * handler -> the same listener on the raw response, `ctx.res.on(...)`.
 * Express's res is the node ServerResponse the runtime writes its answer
 * to (ctx.res), so the event fires at the same moment; inside the listener
 * the response is done, and what it reads of it is read from that same
 * object: `res.statusCode` (the status written), `res.statusMessage`,
 * `res.headersSent`, `res.writableEnded`. Not `res.getHeader(name)`: the
 * runtime hands its headers to writeHead, which does not store them on the
 * response. Anything else the listener does with res keeps the handler on
 * Express.
 */
import type { ASTPath } from 'jscodeshift';
import { enclosingFunction, isFunctionNode, refsOf } from './ast-utils.js';
import { fail, type HandlerEnv } from './handler-env.js';

const EVENTS = new Set(['finish', 'close']);
const READS = new Set(['statusCode', 'statusMessage', 'headersSent', 'writableEnded', 'writableFinished']);

/** Rewrites every `res.on('finish' | 'close', fn)` statement of the handler; other uses of res are left for the usual checks. */
export function translateResponseEvents(env: HandlerEnv, fn: ASTPath<any>, res: string, next: string | null): void {
  const { j } = env.fc;
  for (const ref of refsOf(j, fn, res)) {
    const listener = listenerOf(ref, fn);
    if (!listener) continue;
    if (next && refsOf(j, listener, next).length > 0) fail(`${next} is used inside a res.on listener`);
    for (const inner of refsOf(j, fn, res)) {
      if (!within(inner, listener)) continue;
      rewriteRead(env, inner);
    }
    ref.replace(j.memberExpression(j.identifier(env.ctx), j.identifier('res')));
  }
}

/** The listener of `res.on('finish', listener);` written as a statement of the handler itself; null otherwise. */
function listenerOf(ref: ASTPath<any>, fn: ASTPath<any>): ASTPath<any> | null {
  const member = ref.parent;
  if (member.node.type !== 'MemberExpression' || member.node.object !== ref.node || member.node.computed) return null;
  if (member.node.property.name !== 'on' && member.node.property.name !== 'once') return null;
  const call = member.parent;
  if (call.node.type !== 'CallExpression' || call.node.callee !== member.node || call.parent.node.type !== 'ExpressionStatement') return null;
  const [event, listener] = call.node.arguments;
  if (call.node.arguments.length !== 2 || !isEventName(event) || !isFunctionNode(listener) || listener.async || listener.generator) return null;
  if (enclosingFunction(call) !== fn) return null;
  return call.get('arguments', 1);
}

function isEventName(node: any): boolean {
  return (node.type === 'StringLiteral' || node.type === 'Literal') && EVENTS.has(node.value);
}

function within(p: ASTPath<any>, ancestor: ASTPath<any>): boolean {
  for (let at: ASTPath<any> | null = p.parent; at; at = at.parent) if (at.node === ancestor.node) return true;
  return false;
}

/** `res.statusCode` inside the listener -> `ctx.res.statusCode`. */
function rewriteRead(env: HandlerEnv, inner: ASTPath<any>): void {
  const { j } = env.fc;
  const member = inner.parent;
  if (member.node.type !== 'MemberExpression' || member.node.object !== inner.node || member.node.computed) fail('the response is passed around inside a res.on listener');
  const name = member.node.property.name;
  const outer = member.parent.node;
  const written = outer.type === 'AssignmentExpression' && outer.left === member.node;
  const called = outer.type === 'CallExpression' && outer.callee === member.node;
  if (written || called || !READS.has(name)) fail(`res.${name} inside a res.on listener`);
  inner.replace(j.memberExpression(j.identifier(env.ctx), j.identifier('res')));
}
