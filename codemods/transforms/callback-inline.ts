/**
 * Callback-style code inside a handler becomes awaited code, so the handler
 * only returns once the response is decided (the biggest source of silent
 * bugs: Express lets a callback respond later; the runtime writes the
 * response when the handler's promise settles).
 *
 *   db.get(sql, id, (err, row) => { BODY })      // in tail position
 *     -> const [err, row] = await new Promise((resolve) => db.get(sql, id, (...args) => resolve(args)));
 *        BODY
 *   setTimeout(() => { BODY }, ms)               -> await new Promise((resolve) => setTimeout(() => resolve(), ms)); BODY
 *   p.then((x) => { BODY }).catch(next)          -> const x = await p; BODY
 *   p.then(f).catch((e) => { H })                -> try { ... } catch (e) { H }
 *
 * Every callback argument is kept (not only err/value), so BODY runs
 * unchanged: a branch that calls next(err) or responds keeps doing so, and a
 * callback that never calls back leaves the request pending, as in Express.
 * Only calls in tail position are inlined: code after the call ran before the
 * callback in Express, so anything else stays on Express.
 */
import type { ASTPath } from 'jscodeshift';
import { isFunctionNode, isTailPosition, pathsWhere, someNode } from './ast-utils.js';
import type { HandlerEnv } from './handler-env.js';

/** Promise executors the inliner creates: they run synchronously inside the handler, so req/res there are fine. */
export const TRANSPARENT_FUNCTIONS = new WeakSet<object>();

/** First parameter of a Node-style callback: `err`, `error`, `e`, `saveErr`, `readError`, `err2`. */
const NODE_STYLE_ERR = /^(e|er|ex|err|error)\d*$|^(err|error)[A-Z_]|[a-z0-9](Err|Error)$/;
const TIMERS = new Set(['setTimeout', 'setImmediate']);
/** APIs whose callback runs many times: never turned into one awaited promise. */
const REPEATING = /^(on|once|addListener|prependListener|each|forEach|setInterval|watch|subscribe|pipe)$/;
const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);
/** Array and string methods whose callback runs synchronously, per element: a parameterless callback there is not a completion. */
const ITERATING = /^(map|filter|some|every|find|findIndex|findLast|findLastIndex|reduce|reduceRight|flatMap|sort|replace|replaceAll|from)$/;

function calleeName(callee: any): string | null {
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier') return callee.property.name;
  return null;
}

function usesNames(node: any, names: string[]): boolean {
  return someNode(node, (n) => n.type === 'Identifier' && names.includes(n.name));
}

function usesThisOrArguments(fn: any): { usesThis: boolean; usesArguments: boolean } {
  const body = fn.body;
  return {
    usesThis: fn.type !== 'ArrowFunctionExpression' && someNode(body, (n) => n.type === 'ThisExpression', true),
    usesArguments: someNode(body, (n) => n.type === 'Identifier' && n.name === 'arguments', true),
  };
}

function bodyStatements(env: HandlerEnv, fn: any): any[] {
  const { j } = env.fc;
  return fn.body.type === 'BlockStatement' ? fn.body.body : [j.expressionStatement(fn.body)];
}

/** Names a callback would declare in the enclosing block once inlined. */
function declaredNames(fn: any): string[] {
  const names: string[] = [];
  const collect = (p: any) => {
    if (!p) return;
    if (p.type === 'Identifier') names.push(p.name);
    else if (p.type === 'AssignmentPattern') collect(p.left);
    else if (p.type === 'RestElement') collect(p.argument);
    else if (p.type === 'ObjectPattern') p.properties.forEach((q: any) => collect(q.value ?? q.argument));
    else if (p.type === 'ArrayPattern') p.elements.forEach(collect);
  };
  fn.params.forEach(collect);
  if (fn.body.type === 'BlockStatement') {
    for (const s of fn.body.body) {
      if (s.type === 'VariableDeclaration') s.declarations.forEach((d: any) => collect(d.id));
      if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id) names.push(s.id.name);
    }
  }
  return names;
}

function blockDeclares(block: any, names: string[]): boolean {
  const declared = declaredNames({ params: [], body: { type: 'BlockStatement', body: block.body ?? [] } });
  return names.some((n) => declared.includes(n));
}

type Plan = { statements: any[]; needsBlock: boolean };

/** Node-style or timer callback as the last argument of a call. */
function planCallback(env: HandlerEnv, call: any, names: string[], collision: (declared: string[], extraUses: any[]) => boolean): Plan | null {
  const { j } = env.fc;
  const name = calleeName(call.callee);
  const timerName = name !== null && ((TIMERS.has(name) && call.callee.type === 'Identifier') || (name === 'nextTick' && call.callee.object?.name === 'process'));
  const fn = timerName ? call.arguments[0] : call.arguments.at(-1);
  if (!isFunctionNode(fn) || fn.async || fn.generator || !name || REPEATING.test(name)) return null;
  // `p.then(ok, (err) => ...)`: a rejection handler, not a Node-style callback (planPromiseChain handles one-argument chains).
  if (PROMISE_METHODS.has(name) && call.callee.type === 'MemberExpression') return null;
  if (!usesNames(fn.body, names)) return null;
  const timer = timerName;
  if (timer && (fn !== call.arguments[0] || fn.params.length > 0)) return null;
  // A last-argument callback taking nothing is a completion callback (`db.update(id, row, () => next(err))`): it cannot be an iterator's.
  const completion = fn.params.length === 0 && !ITERATING.test(name);
  if (!timer && !(fn === call.arguments.at(-1) && (completion || (fn.params[0]?.type === 'Identifier' && NODE_STYLE_ERR.test(fn.params[0].name))))) return null;
  const { usesThis, usesArguments } = usesThisOrArguments(fn);
  if (usesArguments) return null;
  const self = usesThis ? 'callbackThis' : null;
  if (self) j(fn.body).find(j.ThisExpression).filter((p) => !insideNonArrowFunction(p, fn)).replaceWith(() => j.identifier(self));
  const declared = [...(self ? [self] : []), ...declaredNames({ params: fn.params, body: { type: 'BlockStatement', body: [] } })];
  const otherArgs = call.arguments.filter((a: any) => a !== fn);
  const needsBlock = collision([...declared, ...declaredNames({ params: [], body: fn.body })], [call.callee, ...otherArgs]);
  let resolver: any;
  if (timer) resolver = j.arrowFunctionExpression([], j.callExpression(j.identifier('resolve'), []));
  else if (self) resolver = j.functionExpression(null, [j.restElement(j.identifier('args'))], j.blockStatement([
    j.expressionStatement(j.callExpression(j.identifier('resolve'), [j.arrayExpression([j.thisExpression(), j.spreadElement(j.identifier('args'))])])),
  ]));
  else resolver = j.arrowFunctionExpression([j.restElement(j.identifier('args'))], j.callExpression(j.identifier('resolve'), [j.identifier('args')]));
  const newArgs = call.arguments.map((a: any) => (a === fn ? resolver : a));
  const executor = j.arrowFunctionExpression([j.identifier('resolve')], j.callExpression(call.callee, newArgs));
  TRANSPARENT_FUNCTIONS.add(executor);
  const promise = j.newExpression(j.identifier('Promise'), [executor]);
  const awaited = j.awaitExpression(promise);
  const pattern = [...(self ? [j.identifier(self)] : []), ...fn.params];
  const head = pattern.length === 0
    ? j.expressionStatement(awaited)
    : j.variableDeclaration('const', [j.variableDeclarator(j.arrayPattern(pattern), awaited)]);
  return { statements: [head, ...bodyStatements(env, fn)], needsBlock };
}

function insideNonArrowFunction(p: ASTPath, root: any): boolean {
  let cur = p.parent;
  while (cur && cur.node !== root) {
    if (isFunctionNode(cur.node) && cur.node.type !== 'ArrowFunctionExpression') return true;
    cur = cur.parent;
  }
  return false;
}

/** `p.then(f)`, `p.then(f).catch(next | h)`, `p.catch(h)` */
function planPromiseChain(env: HandlerEnv, call: any, names: string[], nextName: string | null, collision: (declared: string[], extraUses: any[]) => boolean): Plan | null {
  const { j } = env.fc;
  let thenFn: any = null;
  let catchFn: any = null;
  let promise: any;
  const member = (c: any, n: string) => c.type === 'CallExpression' && c.callee.type === 'MemberExpression' && !c.callee.computed && c.callee.property.name === n;
  if (member(call, 'catch') && call.arguments.length === 1) {
    catchFn = call.arguments[0];
    const inner = call.callee.object;
    if (member(inner, 'then') && inner.arguments.length === 1) { thenFn = inner.arguments[0]; promise = inner.callee.object; }
    else promise = inner;
  } else if (member(call, 'then') && call.arguments.length === 1) {
    thenFn = call.arguments[0];
    promise = call.callee.object;
  } else return null;
  if (thenFn && (!isFunctionNode(thenFn) || thenFn.params.length > 1 || thenFn.generator || usesThisOrArguments(thenFn).usesArguments)) return null;
  if (thenFn && thenFn.body.type === 'BlockStatement' && someNode(thenFn.body, (n) => n.type === 'ReturnStatement' && n.argument && !usesNames(n.argument, names), true)) return null;
  const catchIsNext = catchFn && ((catchFn.type === 'Identifier' && catchFn.name === nextName) || isForwardToNext(catchFn, nextName));
  if (catchFn && !catchIsNext && (!isFunctionNode(catchFn) || catchFn.params.length > 1 || catchFn.generator)) return null;
  const touches = (thenFn && usesNames(thenFn.body, names)) || (catchFn && (catchIsNext || usesNames(catchFn.body ?? catchFn, names)));
  if (!touches) return null;
  const awaited = j.awaitExpression(promise);
  const head = thenFn && thenFn.params.length === 1
    ? j.variableDeclaration('const', [j.variableDeclarator(thenFn.params[0], awaited)])
    : j.expressionStatement(awaited);
  const main = [head, ...(thenFn ? bodyStatements(env, thenFn) : [])];
  const declared = thenFn ? declaredNames(thenFn) : [];
  if (!catchFn || catchIsNext) return { statements: main, needsBlock: collision(declared, [promise]) };
  const param = catchFn.params[0] ?? null;
  return { statements: [j.tryStatement(j.blockStatement(main), j.catchClause(param, null, j.blockStatement(bodyStatements(env, catchFn))))], needsBlock: false };
}

function isForwardToNext(fn: any, nextName: string | null): boolean {
  if (!nextName || !isFunctionNode(fn) || fn.params.length !== 1 || fn.params[0].type !== 'Identifier') return false;
  const p = fn.params[0].name;
  const body = fn.body.type === 'BlockStatement' && fn.body.body.length === 1 && fn.body.body[0].type === 'ExpressionStatement' ? fn.body.body[0].expression : fn.body;
  return body.type === 'CallExpression' && body.callee.type === 'Identifier' && body.callee.name === nextName
    && body.arguments.length === 1 && body.arguments[0].type === 'Identifier' && body.arguments[0].name === p;
}

/**
 * Inlines, one at a time and outermost first, every callback or promise
 * chain in tail position that touches req/res/next. Returns how many.
 */
export function inlineCallbacks(env: HandlerEnv, fn: ASTPath<any>, names: string[], nextName: string | null): number {
  const { j } = env.fc;
  let count = 0;
  for (let guard = 0; guard < 50; guard++) {
    let done = false;
    // A plain walk gives the same paths, in the same order, as find(j.Statement) filtered to these two types.
    const candidates = pathsWhere(j, fn, (n) => n.type === 'ExpressionStatement' || n.type === 'ReturnStatement');
    candidates.forEach((p: ASTPath<any>) => {
      if (done) return;
      const call = p.node.type === 'ExpressionStatement' ? p.node.expression : p.node.argument;
      if (call?.type !== 'CallExpression') return;
      if (enclosingFn(p) !== fn.node) return;
      if (!isTailPosition(p, fn)) return;
      const block = p.parent.node;
      const collision = (declared: string[], extraUses: any[]) =>
        (block.type === 'BlockStatement' && blockDeclares({ body: block.body.filter((s: any) => s !== p.node) }, declared))
        || declared.some((n) => names.includes(n) || extraUses.some((u) => usesNames(u, [n])));
      const plan = planPromiseChain(env, call, names, nextName, collision) ?? planCallback(env, call, names, collision);
      if (!plan) return;
      const replacement = plan.needsBlock || block.type !== 'BlockStatement' ? [j.blockStatement(plan.statements)] : plan.statements;
      if (block.type === 'BlockStatement') p.replace(...replacement);
      else p.replace(replacement[0]);
      done = true;
      count++;
    });
    if (!done) break;
  }
  return count;
}

function enclosingFn(p: ASTPath): any {
  let cur = p.parent;
  while (cur) {
    if (isFunctionNode(cur.node)) return cur.node;
    cur = cur.parent;
  }
  return null;
}
