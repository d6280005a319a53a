/**
 * req.route for Express code that outlives the runtime routes' decision.
 *
 * Express sets `req.route` when a route of the app matches (path and
 * method), before its handlers run, and never clears it. Middleware that
 * stays Express code and runs through fromExpress before the routes may read
 * it later, typically in `res.on('finish')`:
 *
 *   const pattern = req.route ? `${req.baseUrl}${req.route.path}` : '(unmatched)';
 *
 * A runtime route never touches the node request, so such middleware would
 * see every migrated route as unmatched. When one of the app's own
 * middleware (whose code the per-file pass cannot see: it may read
 * req.route) runs through a bridge before a native route, the route gets a
 * first route-level function that sets `req.route` as Express's router did:
 *
 *   app.get('/tags/{tag}', expressRoute('get', '/tags/:tag/:page?'), async (ctx) => { ... });
 *
 * with the original path (string or RegExp, as Express keeps it) and the
 * method in `methods`. Route-level functions run after the app's request
 * middleware, where Express would have reached the route layer: a guard that
 * answers first (an `/admin` token check) leaves req.route unset in both.
 * The object is created once per route, as Express's Route is. It has no
 * handler `stack` (Express's lists the route's layers); code reading
 * `req.route.stack` is not served. `req.baseUrl` is '' for app routes, as
 * the bridge already sets it; routes of routers are not marked (Express would
 * show their mount path there).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ASTPath } from 'jscodeshift';
import { cloneNode, parseStatement } from './ast-utils.js';
import type { FileContext } from './context.js';
import type { Receiver } from './express-binding.js';

/**
 * Whether the functions of `app.use(...)` may read req.route: the source of a function of this file, or of
 * the relative module an imported one comes from (read from disk: the per-file pass has no other view of it),
 * must mention `route`; anything else (a package's middleware, a module that cannot be read) may.
 */
export function mayReadRoute(fc: FileContext, args: any[]): boolean {
  const { j } = fc;
  return args.some((a) => {
    if (/Function/.test(a?.type ?? '')) return READS_ROUTE.test(j(a).toSource());
    if (a?.type !== 'Identifier') return typeof a?.value !== 'string';
    const local = fc.root.find(j.FunctionDeclaration, { id: { name: a.name } }).nodes()[0]
      ?? fc.root.find(j.VariableDeclarator, { id: { type: 'Identifier', name: a.name } }).nodes().map((d: any) => d.init).find((init: any) => /Function/.test(init?.type ?? ''));
    if (local) return READS_ROUTE.test(j(local).toSource());
    const source = importedSource(fc, a.name);
    return source === null || READS_ROUTE.test(source);
  });
}

/** `.route` or a destructured `route`: a read of req.route in any spelling that matters. */
const READS_ROUTE = /\.route\b|[{,]\s*route\s*[,}:=]/;

/** The text of the relative module `name` is required or imported from; null when that is not evident or it cannot be read. */
function importedSource(fc: FileContext, name: string): string | null {
  const { j, root } = fc;
  const required = root.find(j.VariableDeclarator, { id: { type: 'Identifier', name } }).nodes()
    .map((d: any) => d.init).find((init: any) => init?.type === 'CallExpression' && init.callee.name === 'require' && typeof init.arguments[0]?.value === 'string');
  const imported = root.find(j.ImportDeclaration).nodes().find((d: any) => (d.specifiers ?? []).some((sp: any) => sp.type === 'ImportDefaultSpecifier' && sp.local?.name === name));
  const spec: unknown = required ? required.arguments[0].value : imported?.source.value;
  if (typeof spec !== 'string' || !spec.startsWith('.')) return null;
  const base = resolve(dirname(fc.options.path), spec);
  for (const candidate of [base, ...['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'].map((e) => base + e), ...['index.js', 'index.ts'].map((f) => join(base, f))]) {
    try {
      return readFileSync(candidate.replace(/\.js$/, existsSync(candidate) ? '.js' : '.ts'), 'utf8');
    } catch { /* the next candidate */ }
  }
  return null;
}

/** The helper's name per file, once declared. */
const declared = new WeakMap<FileContext, string>();

/** `expressRoute('<method>', <original path>)`; declares the helper once per file, after the app. */
export function expressRouteMark(fc: FileContext, r: Receiver, method: string, pathNode: any): any {
  const { j } = fc;
  let name = declared.get(fc);
  if (name === undefined) {
    name = freeName(fc, 'expressRoute');
    declared.set(fc, name);
    declareHelper(fc, r, name);
  }
  const expressMethod = method === 'all' ? '_all' : method === 'del' ? 'delete' : method;
  return j.callExpression(j.identifier(name), [j.stringLiteral(expressMethod), cloneNode(pathNode)]);
}

function freeName(fc: FileContext, base: string): string {
  const { j, root } = fc;
  let name = base;
  for (let i = 2; root.find(j.Identifier, { name }).size() > 0; i++) name = `${base}${i}`;
  return name;
}

function declareHelper(fc: FileContext, r: Receiver, HELPER: string): void {
  const { j } = fc;
  const ts = /\.[cm]?tsx?$/.test(fc.options.path);
  if (ts) fc.runtimeTypeNames.add('Context');
  const code = ts
    ? `function ${HELPER}(method: string, path: string | RegExp) {\n  const route = { path, stack: [], methods: { [method]: true } };\n  return (ctx: Context) => {\n    (ctx.req as unknown as { route: typeof route }).route = route;\n  };\n}`
    : `function ${HELPER}(method, path) {\n  const route = { path, stack: [], methods: { [method]: true } };\n  return (ctx) => {\n    ctx.req.route = route;\n  };\n}`;
  const decl = parseStatement(j, code);
  decl.comments = [j.commentLine(' Express middleware of this app (through fromExpress) may read req.route: runtime routes set it as Express\'s router did.', true, false)];
  let at = r.declarator.parent as ASTPath<any>;
  if (at.parent?.node.type === 'ExportNamedDeclaration') at = at.parent;
  at.insertAfter(decl);
}
