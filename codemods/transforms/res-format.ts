/**
 * `res.format({ html: () => ..., default: () => ... })` -> Express's
 * negotiation written out in the handler, callbacks inlined in order:
 *
 *   ctx.vary('Accept');
 *   const accepted = accepts(ctx.req).types(['html']);
 *   if (accepted === 'html') {
 *     ctx.setHeader('Content-Type', 'text/html; charset=utf-8');
 *     ...the html callback's body
 *   } else {
 *     ...the default callback's body (or: throw createError(406, { types: ['text/html'] }))
 *   }
 *
 * Exactly what res.format does: the keys other than `default` go to
 * req.accepts (the `accepts` package Express uses, keys as written, so
 * `html` maps through the same mime table), Vary gets Accept once, the
 * chosen key's type (normalised as Express's normalizeType, with the
 * charset its res.set adds) is set before the callback runs, and nothing
 * acceptable without a default is next(err) with Express's 406 error
 * (http-errors, `types` listing the normalised keys). The callbacks must be
 * function literals without parameters that only respond (no `this`, no
 * value returned to res.format, not async): inlined, they run in the same
 * order as when res.format called them. The result is then translated like
 * any handler code (res.render by res-render.ts, res.json...).
 */
import type { ASTPath } from 'jscodeshift';
import { enclosingFunction, isStringLiteral, isTailPosition, parseStatement, refsOf, someNode } from './ast-utils.js';
import { TRANSPARENT_FUNCTIONS } from './callback-inline.js';
import { expressMajorFor } from './express-version.js';
import { expr, fail, type HandlerEnv } from './handler-env.js';
import { chainFrom } from './response-calls.js';

/**
 * Shorthand keys whose type Express 4 (mime@1) and Express 5 (mime-types)
 * normalise alike, and that accepts maps to the same type.
 */
const SHORTHAND_TYPES: Record<string, string> = {
  html: 'text/html', htm: 'text/html', json: 'application/json', text: 'text/plain', txt: 'text/plain',
  xml: 'application/xml', css: 'text/css', csv: 'text/csv',
};

interface FormatCase { key: string; type: string; body: any[] }

/** Inlines every res.format call of the handler `fn` (before its callbacks are checked as nested functions). */
export function inlineFormatCalls(env: HandlerEnv, fn: ASTPath<any>, res: string): void {
  for (let guard = 0; guard < 50; guard++) {
    const ref = refsOf(env.fc.j, fn, res).find((r) => chainFrom(r)?.calls.some((c) => c.name === 'format'));
    if (!ref) return;
    inlineFormat(env, fn, ref);
  }
  fail('too many res.format calls');
}

function inlineFormat(env: HandlerEnv, fn: ASTPath<any>, ref: ASTPath<any>): void {
  const { j } = env.fc;
  const chain = chainFrom(ref)!;
  const at = chain.calls.findIndex((c) => c.name === 'format');
  if (at !== chain.calls.length - 1) fail('res.format() is chained');
  const call = chain.calls[at]!;
  if (ownerOf(chain.top) !== fn.node) fail('res.format is called inside a nested function');
  const [obj] = call.args;
  if (call.args.length !== 1 || obj?.type !== 'ObjectExpression') fail('res.format with an object computed at run time');
  const container = containerOf(fn, chain.top);
  const tail = container.kind === 'arrow' || isTailPosition(container.path, fn);
  const { cases, fallback } = formatCases(env, obj, tail);
  if (!fallback && env.role === 'error') fail('res.format without a default in an error handler (Express hands its 406 to the final handler)');

  const out: any[] = [];
  // `res.status(404).format(...)`: what comes before format stays a statement of its own, translated later.
  if (at > 0) out.push(j.expressionStatement(call.node.callee.object));
  out.push(parseStatement(env.fc.j, `${env.ctx}.vary('Accept');`));
  const otherwise = fallback ?? [notAcceptable(env, cases)];
  if (cases.length === 0) out.push(...otherwise);
  else {
    const name = freeName(fn, 'accepted');
    env.fc.helperImports.set('accepts', 'accepts');
    out.push(parseStatement(env.fc.j, `const ${name} = accepts(${env.ctx}.req).types([${cases.map((c) => quote(c.key)).join(', ')}]);`));
    let chainTop: any = j.blockStatement(otherwise);
    for (const c of [...cases].reverse()) {
      const setType = parseStatement(env.fc.j, `${env.ctx}.setHeader('Content-Type', ${quote(c.type)});`);
      chainTop = j.ifStatement(expr(env, `${name} === ${quote(c.key)}`), j.blockStatement([setType, ...c.body]), chainTop);
    }
    out.push(chainTop);
  }
  place(env, fn, container, out);
}

/** The keyed callbacks in order, and the default's body (null without one). */
function formatCases(env: HandlerEnv, obj: any, tail: boolean): { cases: FormatCase[]; fallback: any[] | null } {
  const cases: FormatCase[] = [];
  let fallback: any[] | null = null;
  const major = expressMajorFor(env.fc.options.path);
  for (const prop of obj.properties) {
    if ((prop.type !== 'Property' && prop.type !== 'ObjectProperty' && prop.type !== 'ObjectMethod') || prop.computed) fail('res.format with a computed or spread key');
    const key = prop.key.type === 'Identifier' ? prop.key.name : isStringLiteral(prop.key) ? prop.key.value : fail('res.format with a key that is not a name or a string');
    // Object.keys keeps a repeated key at its first place with its last value: not worth mirroring.
    if (key === 'default' ? fallback !== null : cases.some((c) => c.key === key)) fail(`res.format with the key '${key}' twice`);
    const body = callbackBody(env, prop.type === 'ObjectMethod' ? prop : prop.value, key, tail);
    if (key === 'default') fallback = body;
    else cases.push({ key, type: contentTypeOf(key, major), body });
  }
  return { cases, fallback };
}

/** Express's normalizeType(key) as res.set writes it (charset for text/* and JSON). */
function contentTypeOf(key: string, major: number): string {
  const type = mediaTypeOf(key);
  // mime@1's charsets.lookup (Express 4) and mime-types' charset (Express 5) agree on these.
  const withCharset = /^text\//.test(type) || type === 'application/json' || type === 'application/javascript';
  if (!withCharset && major !== 4 && !Object.values(SHORTHAND_TYPES).includes(type)) fail(`res.format key '${key}': Express 5 may add a charset from mime-types' table`);
  return withCharset ? `${type}; charset=utf-8` : type;
}

function mediaTypeOf(key: string): string {
  if (key.includes(';')) fail(`res.format key '${key}' has parameters`);
  if (key.includes('/')) {
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(key.trim())) fail(`res.format key '${key}' is not a plain media type`);
    return key.trim();
  }
  return SHORTHAND_TYPES[key] ?? fail(`res.format key '${key}' is not a known shorthand`);
}

/**
 * A callback's statements, to run where res.format called it. A `return`
 * inside may end the handler only when nothing follows res.format; it
 * may return nothing, or a res call (whose value Express ignored).
 */
function callbackBody(env: HandlerEnv, fnNode: any, key: string, tail: boolean): any[] {
  const { j } = env.fc;
  const what = `the res.format '${key}' callback`;
  if (!/Function|ObjectMethod/.test(fnNode?.type ?? '')) fail(`${what} is not a function literal`);
  if (fnNode.params.length > 0) fail(`${what} takes parameters (Express passes req, res, next)`);
  if (fnNode.async || fnNode.generator) fail(`${what} is async or a generator (res.format does not wait for it)`);
  const ownThis = fnNode.type !== 'ArrowFunctionExpression';
  if (ownThis && someNode(fnNode.body, (n) => n.type === 'ThisExpression' || (n.type === 'Identifier' && n.name === 'arguments'), true)) fail(`${what} reads this or arguments`);
  if (fnNode.body.type !== 'BlockStatement') return [j.expressionStatement(fnNode.body)];
  const returns: any[] = [];
  someNode(fnNode.body, (n) => { if (n.type === 'ReturnStatement') returns.push(n); return false; }, true);
  if (returns.length > 0 && !tail) fail(`${what} returns, and code follows res.format`);
  if (returns.some((r) => r.argument && !isResponseChain(r.argument))) fail(`${what} returns a value`);
  return fnNode.body.body;
}

/** `res.json(x)` and the like: a call chain whose value Express ignores; the handler translation drops it too. */
function isResponseChain(node: any): boolean {
  let cur = node;
  while (cur?.type === 'CallExpression' && cur.callee.type === 'MemberExpression') cur = cur.callee.object;
  return cur?.type === 'Identifier' && cur !== node;
}

function notAcceptable(env: HandlerEnv, cases: FormatCase[]): any {
  env.fc.helperImports.set('createError', 'http-errors');
  const types = cases.map((c) => quote(mediaTypeOf(c.key))).join(', ');
  // next(err) from a route is a throw on the runtime: the app's error handler gets it, as Express's did.
  return parseStatement(env.fc.j, `throw createError(406, { types: [${types}] });`);
}

type Container = { kind: 'statement' | 'return' | 'arrow'; path: ASTPath<any> };

function containerOf(fn: ASTPath<any>, top: ASTPath<any>): Container {
  const parent = top.parent;
  if (parent.node.type === 'ExpressionStatement') return { kind: 'statement', path: parent };
  if (parent.node.type === 'ReturnStatement' && parent.node.argument === top.node) return { kind: 'return', path: parent };
  if (parent.node === fn.node && fn.node.body === top.node) return { kind: 'arrow', path: parent };
  return fail('res.format() is used inside an expression');
}

function place(env: HandlerEnv, fn: ASTPath<any>, c: Container, statements: any[]): void {
  const { j } = env.fc;
  if (c.kind === 'arrow') {
    fn.node.body = j.blockStatement(statements);
    return;
  }
  if (c.kind === 'return' && !isTailPosition(c.path, fn)) statements.push(j.returnStatement(null));
  const comments = c.path.node.comments;
  if (comments?.length) statements[0].comments = [...comments, ...(statements[0].comments ?? [])];
  const inList = Array.isArray(c.path.parent.node.body) || c.path.parent.node.type === 'SwitchCase';
  if (inList) c.path.replace(...statements);
  else c.path.replace(j.blockStatement(statements));
}

function ownerOf(p: ASTPath<any>): any {
  let owner = enclosingFunction(p);
  while (owner && TRANSPARENT_FUNCTIONS.has(owner.node)) owner = enclosingFunction(owner);
  return owner?.node;
}

function freeName(fn: ASTPath<any>, base: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}${i}`;
    if (!someNode(fn.node, (n) => n.type === 'Identifier' && n.name === name)) return name;
  }
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
