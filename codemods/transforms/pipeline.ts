/**
 * The per-file migration, in order: prove the Express binding, classify
 * every app/router, translate registrations (routers first, so apps know
 * which routers moved), reshape the app (declaration, legacy app, listen,
 * exports), then imports once. Files that do not involve Express, or where
 * nothing could move, come back unchanged.
 */
import { addEntry, type FileContext } from './context.js';
import { findExpressBinding, findReceivers, isAppFactoryCall, isRouterFactoryCall, type Receiver } from './express-binding.js';
import { collectUses, type ReceiverUse } from './receiver-uses.js';
import { migrateRegistrations, type ReceiverState, type Shared } from './registrations.js';
import { dropUnusedHelperImports } from './unused-helper-imports.js';
import { addLegacyApp, addLegacyRouter, hasLegacySettings, legacySettingsBlocker, rewriteDeclaration, rewriteExport, rewriteListen, settingBlocker } from './app-shape.js';
import { rewriteImports } from './imports.js';
import { legacyOnlyUse } from './app-legacy-uses.js';
import { addTodoComment } from './todo-comments.js';
import { pathsWhere } from './ast-utils.js';
import { noExpressBinding, rewriteRateLimitDefinitions } from './rate-limit-rule.js';

export function runPipeline(fc: FileContext): void {
  const b = findExpressBinding(fc);
  if (!b) {
    // A module that only defines express-rate-limit limiters (rate-limit-rule.ts).
    if (rewriteRateLimitDefinitions(fc)) rewriteImports(fc, noExpressBinding());
    return;
  }
  const receivers = findReceivers(fc, b);
  const states = new Map<Receiver, ReceiverState>();
  for (const r of receivers) states.set(r, { receiver: r, uses: collectUses(fc, r), staysExpress: null, legacyCount: 0, legacySegments: [], notFound: false, hasErrorHandler: false, serverOptions: [] });
  const registrationCallees = new Set<any>();
  for (const s of states.values()) {
    s.staysExpress = firstBlocker(fc, s, receivers) ?? (s.receiver.kind === 'app' ? legacySettingsBlocker(fc, s) : null);
    for (const u of s.uses) collectCallees(u, registrationCallees);
  }
  // A router mounted by an app that stays on Express must stay an Express router.
  for (const s of states.values()) {
    if (s.receiver.kind !== 'router' || s.staysExpress) continue;
    const mountedBy = s.uses.filter((u) => u.kind === 'mounted').map((u) => receiverOfMount(u, receivers));
    const host = mountedBy.map((r) => r && states.get(r)).find((h) => h?.staysExpress);
    if (host) s.staysExpress = `mounted by ${host.receiver.name}, which stays on Express`;
  }
  const shared: Shared = { fc, b, receivers, states, registrationCallees, converted: new Map(), viaCompat: false };
  const ordered = [...states.values()].sort((x, y) => (x.receiver.kind === y.receiver.kind ? 0 : x.receiver.kind === 'router' ? -1 : 1));
  for (const s of ordered) if (!s.staysExpress) migrateRegistrations(shared, s);
  const expressName = [...b.moduleNames][0];
  for (const s of ordered) {
    if (s.staysExpress) {
      reportStaysExpress(fc, s);
      continue;
    }
    if (s.receiver.kind === 'router' && s.legacySegments.length > 0) addLegacyRouter(fc, s, b);
    // An app without its own 404 handler relied on Express's: its page, and 404 (not 405) for a known path
    // with another method. An (empty) legacy app behind mountExpress keeps exactly that.
    const needsExpress404 = s.receiver.kind === 'app' && !s.notFound;
    const withLegacyApp = s.receiver.kind === 'app' && (s.legacyCount > 0 || needsExpress404 || hasLegacySettings(s)) && !!expressName;
    rewriteDeclaration(fc, s, withLegacyApp);
    if (withLegacyApp) {
      const finalHandler = s.notFound || (s.hasErrorHandler && s.legacyCount > 0) ? 'runtime' : 'express';
      addLegacyApp(fc, s, expressName, finalHandler);
    }
    for (const u of s.uses) {
      if (u.kind === 'listen') rewriteListen(fc, s, u);
      else if (u.kind === 'export') rewriteExport(fc, s, u);
    }
  }
  reportUnboundApps(fc, b);
  // Limiters defined here share their store with their runtime counterpart, once the file moves at all.
  if (fc.changed) rewriteRateLimitDefinitions(fc);
  if (fc.changed) {
    dropUnusedHelperImports(fc);
    rewriteImports(fc, b);
  }
}

function firstBlocker(fc: FileContext, s: ReceiverState, receivers: Receiver[]): string | null {
  for (const u of s.uses) {
    if (u.kind === 'unknown') {
      if (legacyOnlyUse(s.receiver, u)) continue; // app.locals / app.param: moved to the legacy app (app-legacy-uses.ts)
      return u.reason;
    }
    if (u.kind === 'setting') {
      const blocker = settingBlocker(fc, s, u);
      if (blocker) return blocker;
    }
    if (u.kind === 'mounted' && (s.receiver.kind !== 'router' || !receiverOfMount(u, receivers))) return `${s.receiver.name} is mounted by code outside this file's apps`;
    if (u.kind === 'export' && s.receiver.kind === 'app' && u.path.parent.node.type === 'ExportSpecifier') continue;
  }
  return null;
}

function receiverOfMount(u: Extract<ReceiverUse, { kind: 'mounted' }>, receivers: Receiver[]): Receiver | null {
  const callee = u.path.parent.node.callee;
  if (callee.object?.type !== 'Identifier') return null;
  return receivers.find((r) => r.name === callee.object.name && u.path.scope.lookup(r.name) === r.declarator.scope) ?? null;
}

function collectCallees(u: ReceiverUse, into: Set<any>): void {
  if (u.kind === 'registration') into.add(u.call.callee);
  if (u.kind === 'route-chain') {
    let cur = u.stmt.node.expression;
    while (cur?.type === 'CallExpression') { into.add(cur.callee); cur = cur.callee.object; }
  }
}

function reportStaysExpress(fc: FileContext, s: ReceiverState): void {
  const handlerCount = s.uses.filter((u) => u.kind === 'registration' || u.kind === 'route-chain').length;
  addTodoComment(fc, s.receiver.declarator.parent, `${s.receiver.name} stays on Express: ${s.staysExpress}`);
  addEntry(fc, s.receiver.declarator.node, 'compat', s.receiver.kind === 'app' ? 'app-stays-express' : 'router-stays-express', { reason: s.staysExpress!, handler: s.receiver.name });
  fc.handlers.compat += handlerCount;
}

/** `module.exports = express()` and friends: not provably one variable, so reported instead of rewritten. */
function reportUnboundApps(fc: FileContext, b: ReturnType<typeof findExpressBinding> & object): void {
  const { j, root } = fc;
  // One plain walk (ast-utils), not root.find(j.CallExpression): the same paths in the same order. Both tests
  // want the type CallExpression itself, so they can pick the nodes, and paths are built only for those.
  const calls = root.paths().flatMap((top) => pathsWhere(j, top, (n) => isAppFactoryCall(b, n) || isRouterFactoryCall(b, n)));
  calls.forEach((p) => {
    if (p.parent.node.type === 'VariableDeclarator' && p.parent.node.id.type === 'Identifier') return;
    if (p.parent.node.type === 'NewExpression') return;
    addEntry(fc, p.node, 'todo', 'unbound-express-app', { reason: 'express()/Router() not assigned to a const: not migrated' });
  });
}
