/**
 * `source.pipe(res)` as the last statement of a route handler ->
 * `ctx.stream(source)`:
 *
 *   res.type('application/x-ndjson');
 *   Readable.from(lines()).pipe(res);      ->  ctx.setHeader('Content-Type', 'application/x-ndjson');
 *                                              ctx.stream(Readable.from(lines()));
 *
 * Express writes the head (status and headers set so far) with the first
 * chunk, streams without Content-Length (chunked) and ends the response
 * when the source ends; ctx.stream sends the same head (after response
 * middleware), pipes with backpressure and ends with the source. Taken only
 * where nothing can follow: the statement is in tail position of the
 * handler itself (not a callback), the handler is a route (middleware
 * would continue the pipeline) and the source does not mention res. One
 * difference remains on failure only: a source that errors mid-way leaves an
 * Express response open until the client gives up, where the runtime cuts
 * the connection at once (docs/codemod-rules.md).
 */
import type { ASTPath } from 'jscodeshift';
import { enclosingFunction, isTailPosition, someNode } from './ast-utils.js';
import type { HandlerEnv } from './handler-env.js';

/** Rewrites `x.pipe(res);` at `ref` (the res identifier) and returns true; false when this is not that shape. */
export function pipeIntoResponse(env: HandlerEnv, fn: ASTPath<any>, ref: ASTPath<any>): boolean {
  const call = ref.parent;
  if (call?.node.type !== 'CallExpression' || call.node.arguments.length !== 1 || call.node.arguments[0] !== ref.node) return false;
  const callee = call.node.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.name !== 'pipe') return false;
  const stmt = call.parent;
  if (env.role !== 'route' || env.settle || stmt?.node.type !== 'ExpressionStatement') return false;
  if (enclosingFunction(stmt)?.node !== fn.node) return false;
  if (!isTailPosition(stmt, fn)) return false;
  const res = ref.node.name as string;
  if (someNode(callee.object, (n) => n.type === 'Identifier' && n.name === res)) return false;
  const { j } = env.fc;
  stmt.node.expression = j.callExpression(j.memberExpression(j.identifier(env.ctx), j.identifier('stream')), [callee.object]);
  return true;
}
