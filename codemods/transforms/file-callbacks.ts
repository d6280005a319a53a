/**
 * `res.sendFile(path, opts, (err) => { ... })` and `res.download(path, name, (err) => { ... })`
 * -> the call, awaited in a try, with the callback's error branch as the catch:
 *
 *   res.sendFile(file, { root }, (err) => {          try {
 *     if (!err) return;                                await ctx.file(file, { root, expressErrors: true });
 *     if (err.status === 404) return next();   ->    } catch (err) {
 *     next(err);                                       if (err.status === 404) return ctx.fallThrough();
 *   });                                                throw err;
 *                                                    }
 *
 * Why it is the same program:
 * - `expressErrors` makes ctx.file throw exactly the error res.sendFile hands its
 *   callback (send's own error with its status and code, EISDIR, 412/416 with
 *   send's headers left on the response, ECONNABORTED; runtime/static.ts), and
 *   resolve when res.sendFile calls back without one (the response finished);
 * - the callback must do nothing on success (`if (!err) return;` first, or one
 *   `if (err && ...)`), so the code after a successful await is nothing either;
 * - Express runs the callback after the handler returned: the call must be the
 *   handler's last statement, so no code of the handler runs in between;
 * - Express throws synchronously (to next(err), not to the callback) for a
 *   path that is not a non-empty string, and for an argument whose evaluation
 *   throws: the arguments must be provably non-throwing and the path a
 *   non-empty string (file-call-args.ts), so only ctx.file's own failures reach the catch;
 * - on every error path the callback answers, calls next()/next(err) or
 *   throws (res.headersSent aside: after the head went out there is nothing to
 *   answer); a callback that drops the error would leave Express's request
 *   hanging, which the runtime cannot mirror.
 * The body is then the handler's own code, translated as any other: next() ->
 * ctx.fallThrough() (proved by the registration), next(err) -> throw err,
 * res.headersSent -> ctx.committed.
 */
import type { ASTPath } from 'jscodeshift';
import { isFunctionNode, isTailPosition, parseExpression, pathsWhere, someNode, sourceOf } from './ast-utils.js';
import { fail, type HandlerEnv } from './handler-env.js';
import { classify, constInit, isModuleFileUrl, type ArgSite } from './file-call-args.js';
import { TERMINAL } from './response-calls.js';

const FILE_CALLS = new Set(['sendFile', 'download']);

/** Rewrites every `res.sendFile/download(..., callback)` statement of the handler at `fn`; fails when one is not provable. */
export function rewriteFileCallbacks(env: HandlerEnv, fn: ASTPath<any>, names: { req: string; res: string; next: string | null }, routePaths: string[]): void {
  const { j } = env.fc;
  const calls = pathsWhere(j, fn, (n) => n.type === 'CallExpression' && isFileCall(n, names.res) && isFunctionNode(n.arguments.at(-1)));
  for (const call of calls) rewriteOne(env, fn, call, names, routePaths);
}

function isFileCall(node: any, res: string): boolean {
  const callee = node.callee;
  return callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier' && callee.object.name === res
    && callee.property.type === 'Identifier' && FILE_CALLS.has(callee.property.name);
}

function rewriteOne(env: HandlerEnv, fn: ASTPath<any>, call: ASTPath<any>, { req, res, next }: { req: string; res: string; next: string | null }, routePaths: string[]): void {
  const { j } = env.fc;
  const name = call.node.callee.property.name as string;
  const what = `res.${name}() with a callback`;
  const stmt = call.parent;
  if (stmt.node.type !== 'ExpressionStatement' || stmt.node.expression !== call.node) fail(`${what} inside an expression`);
  if (!isTailPosition(stmt, fn)) fail(`${what} followed by more code (Express runs it before the callback)`);
  const args = call.node.arguments.slice(0, -1);
  const callback = call.node.arguments.at(-1);
  const err = errorParam(callback, what);
  checkArguments({ env, at: call, req, routePaths }, name, args, what);
  const body = errorBranch(j, callback, err, what);
  if (!settles(body, res, next)) fail(`${what} whose callback may leave an error unanswered`);
  const fileCall = j.expressionStatement(j.callExpression(call.node.callee, withExpressErrors(env, name, args, what)));
  const param = j.identifier(err);
  // TypeScript types a catch variable as unknown (strict); the callback's error was typed by Express's declarations.
  if (/\.[mc]?tsx?$/.test(env.fc.options.path)) (param as any).typeAnnotation = j.tsTypeAnnotation(j.tsAnyKeyword());
  const attempt = j.tryStatement(j.blockStatement([fileCall]), j.catchClause(param, null, j.blockStatement(body)));
  (attempt as any).comments = stmt.node.comments;
  stmt.replace(attempt);
}

/**
 * Express evaluates the arguments, and throws (to next(err), never to the callback) for a path that is not a
 * non-empty string, a relative path without `root`, or a download name that is not a string: none of that may
 * happen, since the translation evaluates them inside the try.
 */
function checkArguments(site: ArgSite, name: string, args: any[], what: string): void {
  if (args.some((a) => classify(site, a) === null)) fail(`${what}: an argument may throw when evaluated (Express throws it to next(err), not to the callback)`);
  if (classify(site, args[0]) !== 'nonEmpty') fail(`${what}: the path is not provably a non-empty string (Express throws synchronously otherwise)`);
  if (name === 'download') {
    if (args.length < 2) fail(`${what} and no download name`);
    if (classify(site, args[1]) !== 'nonEmpty') fail(`${what}: the download name is not provably a non-empty string`);
    return;
  }
  const root = args[1]?.properties?.find((p: any) => !p.computed && (p.key.name ?? p.key.value) === 'root');
  if (!(root && classify(site, root.value) === 'nonEmpty') && !isAbsolutePath(site, args[0])) fail(`${what}: neither a root option nor a path that is provably absolute`);
}

/** `path.join(__dirname, ...)`, `path.resolve(...)`, or a const holding one. */
function isAbsolutePath(site: ArgSite, node: any, depth = 0): boolean {
  if (depth > 8) return false;
  if (node.type === 'Identifier' && (node.name === '__dirname' || node.name === '__filename')) return !site.env.fc.esm;
  if (node.type === 'Identifier') {
    const init = constInit(site, node.name);
    return !!init && isAbsolutePath(site, init, depth + 1);
  }
  if (isModuleFileUrl(site, node)) return true;
  if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && !node.callee.computed && classify(site, node) === 'nonEmpty') {
    if (node.callee.property.name === 'resolve') return true;
    return node.arguments.length > 0 && isAbsolutePath(site, node.arguments[0], depth + 1);
  }
  return false;
}

/** The callback's one parameter, the error; `this`, `arguments` and async bodies keep it on Express. */
function errorParam(fn: any, what: string): string {
  if (fn.async || fn.generator) fail(`${what} that is async or a generator`);
  if (fn.params.length !== 1 || fn.params[0].type !== 'Identifier') fail(`${what} whose callback does not take one plain error parameter`);
  const usesThis = fn.type !== 'ArrowFunctionExpression' && someNode(fn.body, (n) => n.type === 'ThisExpression', true);
  if (usesThis || someNode(fn.body, (n) => n.type === 'Identifier' && n.name === 'arguments', true)) fail(`${what} whose callback reads this or arguments`);
  return fn.params[0].name;
}

/**
 * The statements the callback runs when it gets an error, proved to be all it runs: without one it does
 * nothing. `if (!err) return; REST` -> REST; `if (err) S` -> S; `if (err && t) S` -> `if (t) S`.
 */
function errorBranch(j: HandlerEnv['fc']['j'], fn: any, err: string, what: string): any[] {
  const stmts: any[] = fn.body.type === 'BlockStatement' ? fn.body.body : [j.expressionStatement(fn.body)];
  const isErr = (n: any) => n?.type === 'Identifier' && n.name === err;
  const [first, ...rest] = stmts;
  if (first?.type === 'IfStatement' && !first.alternate && first.test.type === 'UnaryExpression' && first.test.operator === '!' && isErr(first.test.argument) && returnsNothing(first.consequent)) {
    if (someNode(rest, (n) => n.type === 'AssignmentExpression' && isErr(n.left))) fail(`${what} whose callback reassigns its error`);
    if (first.comments?.length && rest[0]) rest[0].comments = [...first.comments, ...(rest[0].comments ?? [])];
    return rest;
  }
  if (stmts.length === 1 && first.type === 'IfStatement' && !first.alternate) {
    const keepComments = (out: any[]) => {
      if (first.comments?.length && out[0]) out[0].comments = [...first.comments, ...(out[0].comments ?? [])];
      return out;
    };
    if (isErr(first.test)) return keepComments([...blockBody(first.consequent)]);
    const rest = withoutLeadingConjunct(j, first.test, isErr);
    if (rest) return keepComments([j.ifStatement(rest, first.consequent)]);
  }
  return fail(`${what} whose callback may act without an error (only \`if (!err) return;\` first or one \`if (err && ...)\` is proved)`);
}

function returnsNothing(node: any): boolean {
  if (node.type === 'ReturnStatement') return !node.argument;
  return node.type === 'BlockStatement' && node.body.length === 1 && node.body[0].type === 'ReturnStatement' && !node.body[0].argument;
}

function blockBody(node: any): any[] {
  return node.type === 'BlockStatement' ? node.body : [node];
}

/** `err && a && b` -> `a && b`; null when `err` is not the leftmost conjunct. */
function withoutLeadingConjunct(j: HandlerEnv['fc']['j'], test: any, isErr: (n: any) => boolean): any {
  if (test.type !== 'LogicalExpression' || test.operator !== '&&') return null;
  if (isErr(test.left)) return test.right;
  const left = withoutLeadingConjunct(j, test.left, isErr);
  return left ? j.logicalExpression('&&', left, test.right) : null;
}

/**
 * True when every path through `stmts` answers (a terminal res call), calls next, returns one of those, or
 * throws. `res.headersSent` is taken as false: once the head is out there is nothing to answer in either.
 */
function settles(stmts: any[], res: string, next: string | null): boolean {
  for (const s of stmts) {
    if (settlesStatement(s, res, next)) return true;
    // `if (res.headersSent) ...`: not taken while nothing was sent.
    if (s.type === 'IfStatement' && !s.alternate && headersSentValue(s.test, res) === true) continue;
    // An earlier statement that may leave the callback without settling (a bare return, a break out of a label).
    const leaves = (n: any) => n.type === 'BreakStatement' || n.type === 'ContinueStatement' || (n.type === 'ReturnStatement' && !(n.argument && settlingCall(n.argument, res, next)));
    if (someNode(s, leaves, true)) return false;
  }
  return false;
}

function settlesStatement(s: any, res: string, next: string | null): boolean {
  switch (s.type) {
    case 'ThrowStatement': return true;
    case 'ReturnStatement': return !!s.argument && settlingCall(s.argument, res, next);
    case 'ExpressionStatement': return settlingCall(s.expression, res, next);
    case 'BlockStatement': return settles(s.body, res, next);
    case 'IfStatement': {
      const test = headersSentValue(s.test, res);
      if (test === false) return settlesStatement(s.consequent, res, next);
      if (test === true) return !!s.alternate && settlesStatement(s.alternate, res, next);
      return settlesStatement(s.consequent, res, next) && !!s.alternate && settlesStatement(s.alternate, res, next);
    }
    default: return false;
  }
}

/** `next(...)` or a chain on `res` ending in a terminal call. */
function settlingCall(node: any, res: string, next: string | null): boolean {
  if (node.type !== 'CallExpression') return false;
  if (next && node.callee.type === 'Identifier' && node.callee.name === next) return true;
  let callee = node.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || !TERMINAL.has(callee.property.name)) return false;
  while (callee.type === 'MemberExpression' && callee.object.type === 'CallExpression') callee = callee.object.callee;
  return callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === res;
}

/**
 * A test that is `!res.headersSent` (true while nothing was sent: the branch runs) or `res.headersSent`
 * (false), alone or as the left of `&&` with a test that always holds; null for any other test.
 */
function headersSentValue(test: any, res: string): boolean | null {
  const sent = (n: any) => n.type === 'MemberExpression' && !n.computed && n.object.type === 'Identifier' && n.object.name === res && n.property.name === 'headersSent';
  if (test.type === 'UnaryExpression' && test.operator === '!' && sent(test.argument)) return false;
  if (sent(test)) return true;
  return null;
}

/** The call's arguments with `expressErrors: true` in its options (a new options object when it had none). */
function withExpressErrors(env: HandlerEnv, name: string, args: any[], what: string): any[] {
  const { j } = env.fc;
  const optsIndex = name === 'sendFile' ? 1 : 2;
  if (name === 'download' && args[1]?.type === 'ObjectExpression') fail(`${what} with options in place of the name`);
  const opts = args[optsIndex];
  if (opts && opts.type !== 'ObjectExpression') fail(`${what} with options computed at run time`);
  // Parsed from text, so the options keep the one-line layout they had (recast prints built objects one key per line).
  const props = [...(opts?.properties ?? []).map((p: any) => sourceOf(j, p)), 'expressErrors: true'];
  const merged = parseExpression(j, `{ ${props.join(', ')} }`);
  return [...args.slice(0, optsIndex), merged];
}
