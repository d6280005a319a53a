/**
 * Handlers that answer from callbacks the inliner cannot await (a timer
 * racing a database call, a callback followed by more code) become one
 * promise that settles when the handler has answered:
 *
 *   (req, res) => { BODY }
 *     -> async (ctx) => {
 *          await new Promise((resolve, reject) => {
 *            let responded = false;
 *            BODY   // res.json(x)  -> if (!responded) { responded = true; ctx.json(x); resolve(); }
 *                   // next(err)    -> if (!responded) { responded = true; reject(err); }
 *                   // next()       -> if (!responded) { responded = true; resolve(); }   (middleware)
 *          });
 *        }
 *
 * BODY runs in the executor exactly as Express ran it (synchronously, with
 * its callbacks left where they are), so nothing runs earlier or later than
 * before; the runtime writes the answer once the first decision resolves
 * the promise. The first decision wins: a later one (which in Express throws
 * ERR_HTTP_HEADERS_SENT) is skipped. An error thrown inside a callback stays
 * uncaught, as in Express.
 */
import type { ASTPath } from 'jscodeshift';
import { isFunctionNode, someNode } from './ast-utils.js';
import { fail, type HandlerEnv } from './handler-env.js';

export interface Settle {
  flag: string;
  resolve: string;
  reject: string;
  /** True once a reject() was emitted: the executor then declares it. */
  rejects: boolean;
  executor: any;
}

function freeName(fn: any, base: string): string {
  for (let i = 0; ; i++) {
    const name = i === 0 ? base : `${base}${i}`;
    if (!someNode(fn, (n) => n.type === 'Identifier' && n.name === name)) return name;
  }
}

/** `await` or `yield` in the handler's own code: an executor cannot hold them. */
function awaitsInBody(fn: any): boolean {
  return someNode(fn.body, (n) => n.type === 'AwaitExpression' || n.type === 'YieldExpression' || (n.type === 'ForOfStatement' && n.await), true);
}

/** `res.x(...)...` or `next(...)`: a call whose value no caller of a callback uses. */
function isDecisionCall(node: any, names: string[]): boolean {
  let cur = node;
  while (cur?.type === 'CallExpression') {
    if (cur.callee.type === 'Identifier') return names.includes(cur.callee.name);
    if (cur.callee.type !== 'MemberExpression') return false;
    cur = cur.callee.object;
  }
  return cur?.type === 'Identifier' && names.includes(cur.name);
}

/**
 * `() => res.status(504).json(x)` gets a block body, so its response can
 * become statements. Only arrows whose whole body is such a call: any other
 * arrow's value may matter (`events.find((e) => e.id === req.params.id)`).
 */
function blockBodies(env: HandlerEnv, fn: ASTPath<any>, names: string[]): void {
  const { j } = env.fc;
  j(fn).find(j.ArrowFunctionExpression).forEach((p: ASTPath<any>) => {
    if (p.node === fn.node || p.node.body.type === 'BlockStatement') return;
    if (!isDecisionCall(p.node.body, names)) return;
    p.node.body = j.blockStatement([j.expressionStatement(p.node.body)]);
  });
}

/** Puts the handler body in the executor; returns the names the rewritten response calls use. */
export function wrapInRespondPromise(env: HandlerEnv, fn: ASTPath<any>, names: string[], typed: boolean): Settle {
  const { j } = env.fc;
  const node = fn.node;
  if (awaitsInBody(node)) fail('answers from a callback in a handler that also awaits');
  // names is [req, res, next?]: a call on req (`() => req.get('x')`) is a value.
  blockBodies(env, fn, names.slice(1));
  const names3 = { flag: freeName(node, 'responded'), resolve: freeName(node, 'resolve'), reject: freeName(node, 'reject') };
  const statements = node.body.type === 'BlockStatement' ? node.body.body : [j.expressionStatement(node.body)];
  const flag = j.variableDeclaration('let', [j.variableDeclarator(j.identifier(names3.flag), j.booleanLiteral(false))]);
  const executor = j.arrowFunctionExpression([j.identifier(names3.resolve)], j.blockStatement([flag, ...statements]));
  const promise: any = j.newExpression(j.identifier('Promise'), [executor]);
  if (typed) promise.typeParameters = j.tsTypeParameterInstantiation([j.tsVoidKeyword()]);
  node.body = j.blockStatement([j.expressionStatement(j.awaitExpression(promise))]);
  return { ...names3, rejects: false, executor };
}

/** Adds `reject` to the executor's parameters once something rejects. */
export function finishRespondPromise(env: HandlerEnv, settle: Settle): void {
  if (settle.rejects) settle.executor.params.push(env.fc.j.identifier(settle.reject));
}

/** `if (!responded) { responded = true; ...statements; resolve() }` (or without settling for header-only statements). */
export function guarded(env: HandlerEnv, settle: Settle, statements: any[], outcome: 'resolve' | 'reject' | null, error?: any): any {
  const { j } = env.fc;
  let body = statements;
  if (outcome) {
    if (outcome === 'reject') settle.rejects = true;
    const call = j.expressionStatement(j.callExpression(j.identifier(outcome === 'resolve' ? settle.resolve : settle.reject), error ? [error] : []));
    body = [j.expressionStatement(j.assignmentExpression('=', j.identifier(settle.flag), j.booleanLiteral(true))), ...statements, call];
  }
  return j.ifStatement(j.unaryExpression('!', j.identifier(settle.flag)), j.blockStatement(body));
}

/** The innermost function around `p` inside the handler (the executor counts as the handler's body). */
export function ownFunctionOf(p: ASTPath<any>): ASTPath<any> | null {
  let cur = p.parent;
  while (cur) {
    if (isFunctionNode(cur.node)) return cur;
    cur = cur.parent;
  }
  return null;
}
