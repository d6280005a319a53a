/**
 * The app itself: `express()` -> `new Server()`, `express.Router()` ->
 * `new Router()`, settings, `app.listen`, and what the module exports.
 *
 * Output convention (docs/codemod-rules.md, "What a migrated module
 * exports"): a module that exported the Express app exports `app.handler`,
 * a node request listener, which http.createServer and supertest accept as
 * they accepted the app. A router module exports the runtime Router, which
 * the app mounts with `app.mount`.
 */
import type { ASTPath } from 'jscodeshift';
import { addEntry, type FileContext } from './context.js';
import { isReference, parseExpression, parseStatement, sourceOf } from './ast-utils.js';
import type { ExpressBinding } from './express-binding.js';
import type { ReceiverState } from './registrations.js';
import { LEGACY_APP } from './registrations.js';
import { settingKey, type ReceiverUse, type UseMarks } from './receiver-uses.js';
import { LEGACY_SETTINGS, planSetting, type SettingPlan } from './app-settings.js';
import { addTodoComment } from './todo-comments.js';
import { bindLegacyApp, legacyOnlyUses, moveUseToLegacy } from './app-legacy-uses.js';
import { isOwnImportedHandler } from './imported-refs.js';
import { poweredByRemoval } from './helmet-rule.js';
import { expressMajorFor } from './express-version.js';

/** Why a setting keeps the app on Express, or null when it translates, drops or moves (app-settings.ts). */
export function settingBlocker(fc: FileContext, state: ReceiverState, use: Extract<ReceiverUse, { kind: 'setting' }>): string | null {
  const plan = planSettingInPlace(fc, state, use);
  return plan.kind === 'blocked' ? plan.reason : null;
}

/**
 * A setting becomes a Server option, evaluated where the Server is created:
 * exact for a statement of the block that declares the app. Under
 * `if (test)` the option takes `test ? value : <Express's default>` when the
 * test is a plain read of bindings that already exist there (`if
 * (config.secureCookies) app.set('trust proxy', 1)`); anywhere else the
 * setting keeps the app on Express.
 */
function planSettingInPlace(fc: FileContext, state: ReceiverState, use: SettingUse): SettingPlan & { statement?: ASTPath<any> } {
  const { j } = fc;
  const plan = planSetting(use, (node) => sourceOf(j, node));
  if (plan.kind !== 'option') return plan;
  const declStatement = state.receiver.declarator.parent as ASTPath<any>;
  const block = declStatement.parent?.node.type === 'ExportNamedDeclaration' ? declStatement.parent.parent : declStatement.parent;
  if (use.stmt.parent === block) return plan;
  const guard = use.stmt.parent;
  const onlyStatement = guard?.node.type === 'IfStatement' ? guard : guard?.node.type === 'BlockStatement' && guard.node.body.length === 1 ? guard.parent : null;
  const test = onlyStatement?.node.type === 'IfStatement' && !onlyStatement.node.alternate && onlyStatement.parent === block ? onlyStatement.node.test : null;
  const fallback = CONDITIONAL_DEFAULTS[plan.name];
  const setting = settingKey(use.args);
  if (!test || fallback === undefined) return { kind: 'blocked', reason: `app setting "${setting}" is set inside a block (only top-level and \`if (test)\` settings translate)` };
  if (!readsExistingBindings(j, onlyStatement!, test, declStatement.node.start ?? 0)) return { kind: 'blocked', reason: `app setting "${setting}" is set under a condition that is not a plain read of values known when the app is created` };
  return { ...plan, value: `${sourceOf(j, test)} ? ${plan.value} : ${fallback}`, statement: onlyStatement! };
}

/** Express's value of the setting when the condition is false, as the Server option says it. */
const CONDITIONAL_DEFAULTS: Record<string, string> = { trustProxy: 'false', jsonSpaces: 'undefined' };

type SettingUse = Extract<ReceiverUse, { kind: 'setting' }>;

/** Identifiers, members, literals and operators only, each name bound before `before` (or a global such as process). */
function readsExistingBindings(j: FileContext['j'], at: ASTPath<any>, test: any, before: number): boolean {
  const PURE = new Set(['Identifier', 'MemberExpression', 'OptionalMemberExpression', 'StringLiteral', 'NumericLiteral', 'BooleanLiteral', 'NullLiteral', 'Literal',
    'UnaryExpression', 'BinaryExpression', 'LogicalExpression', 'ConditionalExpression', 'TemplateLiteral', 'TemplateElement']);
  let ok = true;
  j(at.get('test')).find(j.Node).forEach((p: ASTPath<any>) => {
    const n = p.node;
    if (!PURE.has(n.type) || (n.type === 'UnaryExpression' && n.operator === 'delete')) ok = false;
    if (n.type !== 'Identifier' || !isReference(p)) return;
    const scope = p.scope?.lookup(n.name);
    if (!scope) return; // a global: process.env.NODE_ENV
    const binding = scope.getBindings()[n.name]?.[0] as ASTPath<any> | undefined;
    if (!binding || (binding.node.start ?? Infinity) >= before) ok = false;
  });
  if (!PURE.has(test.type)) ok = false;
  return ok;
}

/** Settings only Express reads, on an app that mounts modules of its own: one that stays on Express may render with them. */
export function legacySettingsBlocker(fc: FileContext, state: ReceiverState): string | null {
  const moved = state.uses.filter((u) => u.kind === 'setting' && LEGACY_SETTINGS.has(settingKey(u.args) ?? ''));
  if (moved.length === 0) return null;
  // Functions of the app's own modules (the project pass named them) run natively or through fromExpress, which gets the legacy app (bindLegacyApp).
  const mountsModule = state.uses.some((u) => u.kind === 'registration' && u.method === 'use'
    && u.args.some((a: any, i: number) => isLocalModule(fc, a) && !isOwnImportedHandler(fc, u.stmt.get('expression', 'arguments', i))));
  return mountsModule ? `app setting "${settingKey((moved[0] as { args: any[] }).args)}" may serve a mounted module that stays on Express (fromExpress gives it another app)` : null;
}

function isLocalModule(fc: FileContext, node: any): boolean {
  const relative = (spec: any) => typeof spec?.value === 'string' && spec.value.startsWith('.');
  if (node?.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require') return relative(node.arguments[0]);
  if (node?.type !== 'Identifier') return false;
  const { j, root } = fc;
  const required = root.find(j.VariableDeclarator, { id: { type: 'Identifier', name: node.name } })
    .filter((p) => (p.node.init as any)?.type === 'CallExpression' && (p.node.init as any).callee.name === 'require' && relative((p.node.init as any).arguments[0]));
  const imported = root.find(j.ImportDeclaration).filter((p) => relative(p.node.source) && (p.node.specifiers ?? []).some((sp: any) => sp.local?.name === node.name));
  return required.size() > 0 || imported.size() > 0;
}

/** Whether the app keeps settings for the legacy Express app (which must then exist). */
export function hasLegacySettings(state: ReceiverState): boolean {
  return state.uses.some((u) => u.kind === 'setting' && LEGACY_SETTINGS.has(settingKey(u.args) ?? '')) || legacyOnlyUses(state.receiver, state.uses).length > 0;
}

/** `withLegacyApp`: the app gets a legacy Express app; translated settings then apply to it too (its res.json, routing). */
export function rewriteDeclaration(fc: FileContext, state: ReceiverState, withLegacyApp = false): void {
  const { j } = fc;
  const r = state.receiver;
  const options: string[] = [];
  // A setting that became an option or was dropped leaves its comments to the Server it configures.
  const settingComments: any[] = [];
  for (const use of state.uses) {
    if (use.kind !== 'setting') continue;
    const plan = planSettingInPlace(fc, state, use);
    // The runtime never sends ETags or X-Powered-By, but the legacy app's answers (res.send, renderView in
    // res-render.ts, its 404 page) do unless it is told not to.
    const offOnLegacy = withLegacyApp && isDisabledOnLegacyApps(plan, use);
    if (plan.kind === 'legacy' || (plan.kind === 'option' && withLegacyApp) || offOnLegacy) {
      if (plan.kind === 'option') options.push(`${plan.name}: ${plan.value}`);
      // Only Express code reads it: the legacy app (declared right after the app) keeps it.
      j(use.stmt).find(j.Identifier, { name: r.name }).filter((p) => p.parent.node.type === 'MemberExpression' && p.parent.node.object === p.node)
        .forEach((p) => { p.replace(j.identifier(LEGACY_APP)); });
      addEntry(fc, use.stmt.node, 'migrated', 'setting-to-legacy-app', { reason: plan.kind === 'option' ? `app setting "${settingKey(use.args)}" is a Server option and also set on ${LEGACY_APP}` : `app setting "${settingKey(use.args)}" is read only by Express code: ${LEGACY_APP} keeps it` });
      continue;
    }
    if (plan.kind === 'option') options.push(`${plan.name}: ${plan.value}`);
    const gone = plan.kind === 'option' && plan.statement ? plan.statement : use.stmt;
    settingComments.push(...(gone.node.comments ?? []));
    gone.prune();
  }
  keepCommentsAbove(r.declarator.parent as ASTPath<any>, settingComments);
  if (withLegacyApp) moveLegacyOnlyUses(fc, state);
  options.push(...state.serverOptions);
  // Express never answers 405: a known path with another method reached the app's own 404 handler.
  if (r.kind === 'app' && state.notFound) options.push('methodNotAllowed: false');
  if (r.kind === 'app') options.push(...expressAnswerOptions(fc, state));
  const cls = r.kind === 'app' ? 'Server' : 'Router';
  fc.runtimeNames.add(cls);
  const init = r.declarator.node.init as any;
  if (r.kind === 'router' && init.arguments.length > 0) {
    addEntry(fc, init, 'migrated', 'router-options', { reason: 'Router options dropped: params merge by mount, routing is case-insensitive and ignores trailing slashes by default' });
  }
  r.declarator.node.init = j.newExpression(j.identifier(cls), options.length ? [parseExpression(j, `{ ${options.join(', ')} }`)] : []);
  addEntry(fc, r.declarator.node, 'migrated', r.kind === 'app' ? 'express-app' : 'express-router', { handler: r.name });
  fc.changed = true;
}

/**
 * Express routes a path it cannot decode (`/%ZZ`): middleware run, the 404
 * handler answers, a route's param fails with its URIError (400). Without
 * a 404 handler of the app's own, Express's router answers OPTIONS on a
 * known path itself (200 with Allow, in the bytes of the app's major)
 * before its final handler would; with one, that handler answers first.
 */
function expressAnswerOptions(fc: FileContext, state: ReceiverState): string[] {
  const options = ["malformedPath: 'express'"];
  if (!state.notFound) options.push(`autoOptions: '${expressMajorFor(fc.options.path) >= 5 ? 'express5' : 'express4'}'`);
  return options;
}

/** Comments as leading comments of the statement (after its own), trailing ones included. */
function keepCommentsAbove(stmt: ASTPath<any>, comments: any[]): void {
  if (comments.length === 0) return;
  const target = stmt.parent?.node.type === 'ExportNamedDeclaration' ? stmt.parent.node : stmt.node;
  target.comments = [...(target.comments ?? []), ...comments.map((c) => ({ ...c, leading: true, trailing: false }))];
}

/** Settings the runtime drops because it never does what they turn off, but which every legacy Express app must keep off. */
const OFF_ON_LEGACY_APPS = new Set(['etag', 'x-powered-by']);

function isDisabledOnLegacyApps(plan: SettingPlan, use: SettingUse): boolean {
  return plan.kind === 'drop' && OFF_ON_LEGACY_APPS.has(settingKey(use.args) ?? '');
}

/**
 * `app.disable('x-powered-by')` moves to the first legacy app (rewriteDeclaration); the others
 * (a closed segment's, the empty one answering Express's 404) get the same call after their declaration.
 * Where helmet removed the X-Powered-By Express had set, the legacy apps it ran before get the call (helmet-rule.ts).
 */
function disablesForLegacyApp(fc: FileContext, state: ReceiverState, name: string): any[] {
  const keys = new Set<string>();
  for (const use of state.uses) {
    if (use.kind !== 'setting') continue;
    if (isDisabledOnLegacyApps(planSetting(use, (node) => sourceOf(fc.j, node)), use)) keys.add(settingKey(use.args)!);
  }
  const moved = name === LEGACY_APP ? new Set(keys) : new Set<string>();
  const removal = poweredByRemoval(state.uses);
  const express404App = !state.legacySegments.some((segment) => segment.name === name);
  if (removal === 'all' || (removal === 'not-found' && express404App)) keys.add('x-powered-by');
  return [...keys].filter((key) => !moved.has(key)).map((key) => parseStatement(fc.j, `${name}.disable('${key}');`));
}

/** app.locals and app.param statements go to the legacy app that keeps the routes reading them (app-legacy-uses.ts). */
function moveLegacyOnlyUses(fc: FileContext, state: ReceiverState): void {
  const r = state.receiver;
  const moved = legacyOnlyUses(r, state.uses);
  const paramTarget = state.legacySegments.find((s) => s.params)?.name ?? LEGACY_APP;
  for (const use of moved) {
    const target = use.kind === 'param' ? paramTarget : LEGACY_APP;
    moveUseToLegacy(fc, r, use, target);
    addEntry(fc, use.stmt.node, 'migrated', use.kind === 'param' ? 'param-to-legacy-app' : 'locals-to-legacy-app', {
      reason: use.kind === 'param'
        ? `app.param('${use.name}') moves to ${target} with every route that has :${use.name}`
        : `app.locals is read only by Express code (res.render): ${LEGACY_APP} keeps it`,
    });
  }
  if (moved.length > 0 || hasLegacySettings(state)) bindLegacyApp(fc, LEGACY_APP);
}

/**
 * `const legacyApp = express();` after the app, `app.requestMiddleware(mountExpress(legacyApp, ...))` after its
 * last registration. Under middlewareOrder 'registration' a legacy app that native middleware follows (a
 * closed segment) is mounted right after its own last registration instead, and hands what it does not
 * answer back to the runtime, so later middleware still run for those requests, in Express's order.
 */
export function addLegacyApp(fc: FileContext, state: ReceiverState, expressName: string, finalHandler: 'express' | 'runtime'): void {
  const { j } = fc;
  const r = state.receiver;
  let declStatement = r.declarator.parent as ASTPath<any>;
  if (declStatement.parent?.node.type === 'ExportNamedDeclaration') declStatement = declStatement.parent;
  const segments = [...state.legacySegments];
  const last = segments.at(-1);
  // The app's own error handler must see the legacy routes' errors (finalHandler 'runtime'), but with no 404
  // handler of its own Express answered unmatched requests with its 404 page: an empty Express app mounted last keeps that.
  const express404 = finalHandler === 'runtime' && !state.notFound;
  // No open segment at the end: Express's own 404 still needs an (empty) legacy app mounted last.
  if (!last || last.closed || express404) segments.push({ name: segments.length === 0 ? LEGACY_APP : `${LEGACY_APP}${segments.length + 1}`, last: null as never, closed: false });
  const emptyLast = segments.length > state.legacySegments.length;
  const declarations = segments.map((segment, i) => {
    const decl = parseStatement(j, `const ${segment.name} = ${expressName}();`);
    const empty = i === segments.length - 1 && state.legacySegments.length === i;
    decl.comments = [j.commentLine(empty
      ? ` Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).`
      : segment.closed
        ? ` expressway-todo: routes on ${segment.name} stay on Express until migrated; ${r.name} mounts it where they were registered`
        : ` expressway-todo: routes on ${segment.name} stay on Express until migrated; ${r.name} mounts it last`, true, false)];
    return decl;
  });
  const statements = segments.flatMap((segment, i) => [declarations[i], ...disablesForLegacyApp(fc, state, segment.name)]);
  declStatement.insertAfter(...statements);
  fc.compatNames.add('mountExpress');
  const lastMounts: any[] = [];
  for (const segment of segments) {
    const runtimeFinal = segment.closed || (finalHandler === 'runtime' && !(express404 && emptyLast && segment === segments.at(-1)));
    const mount = parseStatement(j, `${r.name}.requestMiddleware(mountExpress(${segment.name}${runtimeFinal ? ", { finalHandler: 'runtime' }" : ''}));`);
    if (segment.closed) insertAfterUse(segment.last as UseMarks & { stmt: ASTPath<any> }, mount);
    else lastMounts.push(mount);
  }
  // In order, after the last registration (the open legacy app, then the empty one answering Express's 404).
  for (const mount of lastMounts.reverse()) insertAfterLastRegistration(state, statements.at(-1), declStatement, mount);
}

/**
 * A router's routes that stay on Express: `const legacyRouter = express.Router(<same options>);` after the
 * router, and `router.requestMiddlewareAtMount(mountExpressRouter(legacyRouter));` where its run of legacy
 * routes ends (after the router's last registration for the last run). Runs before rewriteDeclaration, which
 * replaces the router's options.
 */
export function addLegacyRouter(fc: FileContext, state: ReceiverState, b: ExpressBinding): void {
  const { j } = fc;
  const r = state.receiver;
  let declStatement = r.declarator.parent as ASTPath<any>;
  if (declStatement.parent?.node.type === 'ExportNamedDeclaration') declStatement = declStatement.parent;
  let expressName = [...b.moduleNames][0];
  if (!expressName) {
    // `import { Router } from 'express'`: that name becomes the runtime's Router, so the module itself is imported.
    expressName = 'express';
    fc.helperImports.set(expressName, 'express');
  }
  const init = r.declarator.node.init as any;
  const options = (init?.arguments ?? []).map((a: any) => sourceOf(j, a)).join(', ');
  const declarations = state.legacySegments.map((segment) => {
    const decl = parseStatement(j, `const ${segment.name} = ${expressName}.Router(${options});`);
    decl.comments = [j.commentLine(` expressway-todo: routes on ${segment.name} stay on Express until migrated; ${r.name} answers them where they were registered`, true, false)];
    return decl;
  });
  declStatement.insertAfter(...declarations);
  fc.compatNames.add('mountExpressRouter');
  for (const segment of state.legacySegments) {
    const mount = parseStatement(j, `${r.name}.requestMiddlewareAtMount(mountExpressRouter(${segment.name}));`);
    if (segment.closed) insertAfterUse(segment.last as UseMarks & { stmt: ASTPath<any> }, mount);
    else insertAfterLastRegistration(state, declarations.at(-1), declStatement, mount);
  }
}

/** After a registration, or after all the statements its rewrite became. */
function insertAfterUse(use: UseMarks & { stmt: ASTPath<any> }, statement: any): void {
  if (use.tail && Array.isArray(use.stmt.parent?.node.body)) {
    const body = use.stmt.parent.node.body as any[];
    const at = body.indexOf(use.tail);
    if (at >= 0) { body.splice(at + 1, 0, statement); return; }
  }
  use.stmt.insertAfter(statement);
}

function insertAfterLastRegistration(state: ReceiverState, lastDecl: any, declStatement: ASTPath<any>, mount: any): void {
  const regs = state.uses.filter((u) => u.kind === 'registration' || u.kind === 'route-chain') as Array<UseMarks & { stmt: ASTPath<any> }>;
  const lastUse = [...regs].sort((a, b) => (b.start ?? 0) - (a.start ?? 0))[0];
  // Last request middleware: answers only what no runtime route matched; with finalHandler 'runtime' what Express
  // does not answer either goes back to the runtime (its notFound), and errors to its panic hooks (compat/mount-express.ts).
  if (lastUse) return insertAfterUse(lastUse, mount);
  const body = declStatement.parent?.node.body as any[] | undefined;
  const at = body ? body.indexOf(lastDecl) : -1;
  if (body && at >= 0) body.splice(at + 1, 0, mount);
  else declStatement.insertAfter(mount);
}

/** app.listen(port[, host][, cb]) -> app.listen({ port[, host] }).then(cb); when the http.Server is used, http.createServer(app.handler).listen(...). */
export function rewriteListen(fc: FileContext, state: ReceiverState, use: Extract<ReceiverUse, { kind: 'listen' }>): void {
  const { j } = fc;
  const r = state.receiver;
  const args = use.call.arguments as any[];
  const cb = args.length && /Function|Identifier/.test(args.at(-1).type) && !(args.length === 1 && args[0].type === 'Identifier') ? args.at(-1) : null;
  const rest = cb ? args.slice(0, -1) : args;
  if (!use.statement || rest.length > 2 || rest.some((a) => a.type === 'ObjectExpression')) {
    // Express's listen is http.createServer(app).listen(...arguments): keep that exactly when its return value is used.
    fc.helperImports.set('http', 'node:http');
    use.path.replace(j.callExpression(j.memberExpression(
      j.callExpression(j.memberExpression(j.identifier('http'), j.identifier('createServer')), [j.memberExpression(j.identifier(r.name), j.identifier('handler'))]),
      j.identifier('listen')), args));
    addEntry(fc, use.call, 'migrated', 'listen-node-server', { reason: 'the http.Server returned by listen is used; served through app.handler' });
    return;
  }
  const prop = (key: string, node: any) => (node.type === 'Identifier' && node.name === key ? key : `${key}: ${sourceOf(j, node)}`);
  const props = [rest[0] ? prop('port', rest[0]) : 'port: 0', ...(rest[1] ? [prop('host', rest[1])] : [])];
  let call: any = j.callExpression(j.memberExpression(j.identifier(r.name), j.identifier('listen')), [parseExpression(j, `{ ${props.join(', ')} }`)]);
  if (cb) call = j.callExpression(j.memberExpression(call, j.identifier('then')), [cb.type === 'Identifier' ? j.arrowFunctionExpression([], j.callExpression(cb, [])) : stripParams(cb)]);
  use.path.replace(call);
  addEntry(fc, use.call, 'migrated', 'listen', {});
}

/** Express calls the listen callback without arguments; keep it that way (a callback reading `err` must not get the running server). */
function stripParams(fn: any): any {
  return fn.params.length === 0 ? fn : { type: 'ArrowFunctionExpression', params: [], body: { type: 'CallExpression', callee: fn, arguments: [] }, expression: true };
}

/** module.exports = app -> module.exports = app.handler (apps only; routers export the runtime Router). */
export function rewriteExport(fc: FileContext, state: ReceiverState, use: Extract<ReceiverUse, { kind: 'export' }>): void {
  const { j } = fc;
  const r = state.receiver;
  if (r.kind !== 'app') return;
  const handler = j.memberExpression(j.identifier(r.name), j.identifier('handler'));
  const parent = use.path.parent.node;
  if (parent.type === 'ExportSpecifier') {
    addTodoComment(fc, use.path.parent.parent, `export { ${r.name} } now exports the runtime Server; consumers use ${r.name}.handler or ${r.name}.listen({ port })`);
    addEntry(fc, parent, 'todo', 'export-app', { reason: 'named export of the app: consumers must use .handler' });
    return;
  }
  if ((parent.type === 'Property' || parent.type === 'ObjectProperty') && parent.shorthand) {
    parent.shorthand = false;
    parent.value = handler;
  } else use.path.replace(handler);
  addEntry(fc, parent, 'migrated', 'export-app-handler', { reason: `${r.name}.handler is a node request listener (http.createServer, supertest)` });
}

