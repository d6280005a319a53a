/**
 * The Context type of a migrated TypeScript handler, carried over from the
 * Express generics it was written with: `Request<P, ResBody, ReqBody, Query,
 * Locals>`, `Response<ResBody, Locals>`, `RequestHandler<P, .., Locals>` and
 * `ErrorRequestHandler<P, .., Locals>` give `Context<Locals, P>` (res.locals
 * and request properties became ctx.state; req.params is ctx.params).
 *
 * handler.ts writes the annotation from the handler alone; alignContextTypes
 * then checks, for the whole file, that the registrations accept it, and
 * falls back to what they accept where they do not:
 * - P stays only where every registration of the handler is a route whose
 *   literal pattern sets every required key of P (PathParams types ctx.params
 *   from the pattern, so a P naming more, or a non-string value, would not
 *   typecheck; middleware get `Params`).
 * - Locals stays only where every registry the handler is registered on (a
 *   `new Router()` / `new Server()` of this file) can become
 *   `Router<Locals>`: one Locals type among its handlers, written as an
 *   object type (so plain `Context` handlers, runtime middleware and routers
 *   typed otherwise still fit), and no router from another module mounted on
 *   it; the handler is registered only there (not exported) and uses no
 *   ctx.state member Locals does not declare (request properties moved
 *   there). Otherwise the default state.
 * - req.body was ReqBody (`any` unless written) in Express's types, and
 *   ctx.requestBody is `unknown`: each read says what Express said,
 *   `(ctx.requestBody as ReqBody)` / `(ctx.requestBody as any)`.
 */
import type { ASTPath } from 'jscodeshift';
import { cloneNode, isStringLiteral, pathsWhere, sourceOf } from './ast-utils.js';
import type { FileContext } from './context.js';

/** Marks the Context type references written by contextAnnotation (an own property: survives cloneNode). */
const CARRIED = 'expresswayCarriedTypes';

const EXPRESS_TYPES = new Set(['Request', 'Response', 'RequestHandler', 'ErrorRequestHandler']);
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all', 'route']);
const OTHER_REGISTRATIONS = new Set(['requestMiddleware', 'responseMiddleware', 'panicHook', 'requestErrorHook', 'notFound']);
/** Registry methods that return the registry (so a chained call registers on it too). */
const CHAINABLE = new Set([...ROUTE_METHODS, 'on', 'mount', ...OTHER_REGISTRATIONS]);

/** Locals, P and ReqBody as written in the Express types (null: not written, or the parameters disagree). */
type Slots = { state: any | null; params: any | null; body: any | null };

/** Files where contextAnnotation wrote something: the only ones the file pass has to walk. */
const annotatedFiles = new WeakSet<FileContext>();

/** `ctx: Context<Locals, P>` for a handler with Express parameters at `offset` (1 for error handlers). */
export function contextAnnotation(fc: FileContext, fnNode: any, offset: number): any {
  const { j } = fc;
  const ref: any = j.tsTypeReference(j.identifier('Context'));
  const slots = expressSlots(fc, fnNode, offset);
  annotatedFiles.add(fc);
  ref[CARRIED] = { state: slots.state && cloneNode(slots.state), params: slots.params && cloneNode(slots.params), body: slots.body && cloneNode(slots.body) };
  writeArguments(fc, ref);
  return j.tsTypeAnnotation(ref);
}

/**
 * An error handler's `err` without a type was `any` from Express's types (ErrorRequestHandler, app.use's
 * overloads); the runtime's hooks would make it `unknown`, so it says `any`, as before.
 */
export function typedErrorParam(fc: FileContext, errParam: any): any {
  if (errParam.type !== 'Identifier' || errParam.typeAnnotation) return errParam;
  const typed = fc.j.identifier(errParam.name);
  (typed as any).typeAnnotation = fc.j.tsTypeAnnotation(fc.j.tsAnyKeyword());
  return typed;
}

/** The Locals and P the handler's Express types agree on (null where none is written or they disagree). */
function expressSlots(fc: FileContext, fnNode: any, offset: number): Slots {
  const states: any[] = [];
  const params: any[] = [];
  const bodies: any[] = [];
  const reqType = expressTypeArgs(fc, fnNode.params[offset]?.typeAnnotation?.typeAnnotation);
  if (reqType?.name === 'Request') { params.push(reqType.args[0]); bodies.push(reqType.args[2]); states.push(reqType.args[4]); }
  const resType = expressTypeArgs(fc, fnNode.params[offset + 1]?.typeAnnotation?.typeAnnotation);
  if (resType?.name === 'Response') states.push(resType.args[1]);
  // The variable's RequestHandler<...> types the parameters only where they are not typed themselves.
  const held = reqType && resType ? null : expressTypeArgs(fc, holderType(fc, fnNode));
  if (held && (held.name === 'RequestHandler' || held.name === 'ErrorRequestHandler')) { params.push(held.args[0]); bodies.push(held.args[2]); states.push(held.args[4]); }
  return { state: agreed(fc, states), params: agreed(fc, params), body: agreed(fc, bodies) };
}

function agreed(fc: FileContext, nodes: any[]): any | null {
  const written = nodes.filter(Boolean);
  if (written.length === 0) return null;
  const text = sourceOf(fc.j, written[0]);
  return written.every((n) => sourceOf(fc.j, n) === text) ? written[0] : null;
}

/** `const h: RequestHandler<...> = (req, res) => ...`: the declared type of the variable holding the function. */
function holderType(fc: FileContext, fnNode: any): any | null {
  if (fnNode.type === 'FunctionDeclaration') return null;
  const holder = pathsWhere(fc.j, fc.root.get(), (n) => n.type === 'VariableDeclarator' && n.init === fnNode)[0];
  return holder?.node.id.typeAnnotation?.typeAnnotation ?? null;
}

/** Which Express type `type` names (imported from 'express', or `express.Request`), and its type arguments. */
function expressTypeArgs(fc: FileContext, type: any): { name: string; args: any[] } | null {
  if (type?.type !== 'TSTypeReference') return null;
  const imports = expressTypeImports(fc);
  let name: string | undefined;
  if (type.typeName.type === 'Identifier') name = imports.named.get(type.typeName.name);
  else if (type.typeName.type === 'TSQualifiedName' && type.typeName.left.type === 'Identifier' && imports.modules.has(type.typeName.left.name)) name = type.typeName.right.name;
  if (!name || !EXPRESS_TYPES.has(name)) return null;
  return { name, args: type.typeParameters?.params ?? [] };
}

const importsCache = new WeakMap<FileContext, { named: Map<string, string>; modules: Set<string> }>();

function expressTypeImports(fc: FileContext): { named: Map<string, string>; modules: Set<string> } {
  const hit = importsCache.get(fc);
  if (hit) return hit;
  const named = new Map<string, string>();
  const modules = new Set<string>();
  for (const st of fc.root.get().node.program.body as any[]) {
    if (st.type === 'ImportDeclaration' && st.source.value === 'express') {
      for (const sp of st.specifiers ?? []) {
        if (sp.type === 'ImportSpecifier') named.set(sp.local.name, sp.imported.name);
        else modules.add(sp.local.name);
      }
    } else if (st.type === 'TSImportEqualsDeclaration' && st.moduleReference?.expression?.value === 'express') {
      modules.add(st.id.name);
    }
  }
  const found = { named, modules };
  importsCache.set(fc, found);
  return found;
}

/** Writes `Context<...>` from what is left in the mark; `DefaultState` stands in for a dropped Locals before a kept P. */
function writeArguments(fc: FileContext, ref: any): void {
  const { j } = fc;
  const slots: Slots = ref[CARRIED];
  const args: any[] = [];
  if (slots.params) args.push(slots.state ? cloneNode(slots.state) : j.tsTypeReference(j.identifier('DefaultState')), cloneNode(slots.params));
  else if (slots.state) args.push(cloneNode(slots.state));
  ref.typeParameters = args.length ? j.tsTypeParameterInstantiation(args) : null;
}

// ---------------------------------------------------------------- the file pass

type Registration = { registry: ASTPath<any>; method: string; pattern: string | null };
type Carried = { ref: any; fn: ASTPath<any>; registrations: Registration[] | null; /** The Locals as written. */ written: any | null };

/** Checks every carried Context against the registrations of its handler; types the registries that take a Locals. */
export function alignContextTypes(fc: FileContext): void {
  const { j } = fc;
  if (!annotatedFiles.has(fc)) return;
  const refs = pathsWhere(j, fc.root.get(), (n) => n.type === 'TSTypeReference' && !!n[CARRIED]);
  if (refs.length === 0) return;
  const carried = refs.map((p) => ({ ref: p.node, fn: ownerFunction(p) })).filter((c): c is { ref: any; fn: ASTPath<any> } => c.fn !== null)
    .map((c) => ({ ...c, registrations: registrationsOf(fc, c.fn), written: c.ref[CARRIED].state as any | null }));
  for (const c of carried) if (c.ref[CARRIED].params && !paramsFit(fc, c)) c.ref[CARRIED].params = null;
  for (const c of carried) if (c.ref[CARRIED].state && !stateUsesFit(fc, c)) c.ref[CARRIED].state = null;
  const typed = typedRegistries(fc, carried);
  for (const c of carried) {
    const slots: Slots = c.ref[CARRIED];
    if (slots.state && !c.registrations?.every((r) => typed.get(r.registry.node) === sourceOf(j, slots.state))) slots.state = null;
    if (!slots.state && c.written) typeStateReads(fc, c.fn, c.written);
    if (slots.params && !slots.state) fc.runtimeTypeNames.add('DefaultState');
    writeArguments(fc, c.ref);
    typeBodyReads(fc, c.fn, slots.body);
  }
}

/**
 * Express typed req.body as the Request's ReqBody (`any` unless written); ctx.requestBody is `unknown`, so a
 * read says what Express's types said: `(ctx.requestBody as ReqBody)`, `(ctx.requestBody as any)`.
 */
function typeBodyReads(fc: FileContext, fn: ASTPath<any>, body: any | null): void {
  const { j } = fc;
  const ctx = fn.node.params[0]?.name;
  const reads = pathsWhere(j, fn, (n) => n.type === 'MemberExpression' && !n.computed && n.object.type === 'Identifier'
    && n.object.name === ctx && n.property.type === 'Identifier' && n.property.name === 'requestBody');
  for (const read of reads) {
    const parent = read.parent.node;
    if ((parent.type === 'AssignmentExpression' && parent.left === read.node) || parent.type === 'TSAsExpression') continue;
    const cast = j.tsAsExpression(read.node, body ? cloneNode(body) : j.tsAnyKeyword());
    read.replace(standsAlone(read) ? cast : j.parenthesizedExpression(cast));
  }
}

/** Where `x as T` needs no parentheses: a whole argument, initialiser, value or statement. */
function standsAlone(read: ASTPath<any>): boolean {
  const parent = read.parent.node;
  switch (parent.type) {
    case 'CallExpression': case 'NewExpression': return parent.callee !== read.node;
    case 'VariableDeclarator': case 'ReturnStatement': case 'SpreadElement': case 'ExpressionStatement':
    case 'ArrayExpression': case 'TemplateLiteral': return true;
    case 'ObjectProperty': case 'Property': return parent.value === read.node;
    case 'AssignmentExpression': return parent.right === read.node;
    case 'ArrowFunctionExpression': return parent.body === read.node;
    default: return false;
  }
}

/** The function whose first parameter the annotation is on. */
function ownerFunction(ref: ASTPath<any>): ASTPath<any> | null {
  const param = ref.parent?.parent;
  const fn = param?.parent;
  if (!fn || !Array.isArray(fn.node.params) || fn.node.params[0] !== param.node) return null;
  return fn;
}

/** Every registration of `fn` on a registry of this file, or null when it is used any other way. */
function registrationsOf(fc: FileContext, fn: ASTPath<any>): Registration[] | null {
  const direct = registrationAt(fc, fn);
  if (direct) return [direct];
  const name = boundName(fn);
  if (name === null) return null;
  const uses = pathsWhere(fc.j, fc.root.get(), (n) => n.type === 'Identifier' && n.name === name)
    .filter((p) => p.node !== fn.node.id && p.node !== fn.parent?.node.id);
  const out: Registration[] = [];
  for (const use of uses) {
    const reg = registrationAt(fc, use);
    if (!reg) return null;
    out.push(reg);
  }
  return out;
}

/** The name a function declaration or `const name = fn` binds at the top of the module, unless it is exported. */
function boundName(fn: ASTPath<any>): string | null {
  const node = fn.node;
  let declaration: ASTPath<any> | null = null;
  let name: string | null = null;
  if (node.type === 'FunctionDeclaration' && node.id) { declaration = fn; name = node.id.name; }
  else if (fn.parent?.node.type === 'VariableDeclarator' && fn.parent.node.init === node && fn.parent.node.id.type === 'Identifier') {
    declaration = fn.parent.parent;
    name = fn.parent.node.id.name;
  }
  if (!declaration || declaration.parent?.node.type !== 'Program') return null;
  return name;
}

/** `registry.get('/p', ..., here)`: the registration whose argument `arg` is. */
function registrationAt(fc: FileContext, arg: ASTPath<any>): Registration | null {
  const call = arg.parent?.node;
  if (call?.type !== 'CallExpression' || !call.arguments.includes(arg.node)) return null;
  const callee = call.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return null;
  const method = callee.property.name;
  if (!ROUTE_METHODS.has(method) && !OTHER_REGISTRATIONS.has(method) && method !== 'on') return null;
  const registry = registryOf(fc, arg.parent.get('callee', 'object'));
  if (!registry) return null;
  const patternNode = method === 'on' ? call.arguments[1] : ROUTE_METHODS.has(method) ? call.arguments[0] : null;
  if (patternNode === arg.node) return null;
  return { registry, method, pattern: isStringLiteral(patternNode) ? patternNode.value : null };
}

/** The declarator `const x = new Router(...)` / `new Server(...)` an expression refers to (through chained registrations). */
function registryOf(fc: FileContext, expr: ASTPath<any>): ASTPath<any> | null {
  const node = expr.node;
  if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && !node.callee.computed && CHAINABLE.has(node.callee.property.name)) {
    return registryOf(fc, expr.get('callee', 'object'));
  }
  if (node.type !== 'Identifier') return null;
  return registryDeclarations(fc).get(node.name) ?? null;
}

const registriesCache = new WeakMap<FileContext, Map<string, ASTPath<any>>>();

/** Top-level `const name = new Router(...)` / `new Server(...)` of the runtime's classes, by name. */
function registryDeclarations(fc: FileContext): Map<string, ASTPath<any>> {
  const hit = registriesCache.get(fc);
  if (hit) return hit;
  const found = new Map<string, ASTPath<any>>();
  for (const p of pathsWhere(fc.j, fc.root.get(), (n) => n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && isRegistryConstruction(fc, n.init))) {
    if (p.parent?.parent?.node.type === 'Program' || p.parent?.parent?.parent?.node.type === 'Program') found.set(p.node.id.name, p);
  }
  registriesCache.set(fc, found);
  return found;
}

function isRegistryConstruction(fc: FileContext, init: any): boolean {
  return init?.type === 'NewExpression' && init.callee.type === 'Identifier'
    && (init.callee.name === 'Router' || init.callee.name === 'Server') && fc.runtimeNames.has(init.callee.name);
}

/**
 * Where the Context cannot carry the Locals, each read of a member it declares says its type, as
 * res.locals.x had it: `(ctx.state.x as Locals['x'])` (unknown converts to anything). Members Locals does
 * not declare, and Locals whose members are not written in this file, stay unknown.
 */
function typeStateReads(fc: FileContext, fn: ASTPath<any>, locals: any): void {
  const { j } = fc;
  const keys = declaredKeys(fc, locals);
  if (!keys) return;
  const ctx = fn.node.params[0]?.name;
  const reads = pathsWhere(j, fn, (n) => n.type === 'MemberExpression' && !n.computed && n.property.type === 'Identifier' && keys.has(n.property.name)
    && n.object.type === 'MemberExpression' && !n.object.computed && n.object.object.type === 'Identifier' && n.object.object.name === ctx
    && n.object.property.type === 'Identifier' && n.object.property.name === 'state');
  for (const read of reads) {
    const parent = read.parent.node;
    if ((parent.type === 'AssignmentExpression' && parent.left === read.node) || parent.type === 'TSAsExpression') continue;
    if (parent.type === 'UpdateExpression' || (parent.type === 'UnaryExpression' && parent.operator === 'delete')) continue;
    const type = j.tsIndexedAccessType(cloneNode(locals), j.tsLiteralType(j.stringLiteral(read.node.property.name)));
    const cast = j.tsAsExpression(read.node, type);
    read.replace(standsAlone(read) ? cast : j.parenthesizedExpression(cast));
  }
}

/** The member names of an object type or interface written in this file; null when they are not all known. */
function declaredKeys(fc: FileContext, type: any): Set<string> | null {
  let members = objectMembers(fc, type, new Set());
  if (!members && type?.type === 'TSTypeReference' && type.typeName.type === 'Identifier' && !type.typeParameters) {
    const iface = localInterface(fc, type.typeName.name);
    members = iface && !iface.extends?.length && !iface.typeParameters ? iface.body.body : null;
  }
  return members ? propertyNames(members) : null;
}

/** The names of type members that are all plain properties (`a: T`, `'b'?: T`); null when one is not. */
function propertyNames(members: any[]): Set<string> | null {
  const keys = new Set<string>();
  for (const m of members) {
    if (m.type !== 'TSPropertySignature' || m.computed) return null;
    const key = m.key.type === 'Identifier' ? m.key.name : isStringLiteral(m.key) ? m.key.value : null;
    if (key === null) return null;
    keys.add(key);
  }
  return keys;
}

function localInterface(fc: FileContext, name: string): any | null {
  for (const st of fc.root.get().node.program.body as any[]) {
    const decl = st.type === 'ExportNamedDeclaration' ? st.declaration : st;
    if (decl?.type === 'TSInterfaceDeclaration' && decl.id.name === name) return decl;
  }
  return null;
}

/**
 * Locals stays when the handler touches only ctx.state members Locals declares: request properties moved
 * to ctx.state (req.user) were not part of res.locals' type, and a computed key has no index signature to use.
 */
function stateUsesFit(fc: FileContext, c: Carried): boolean {
  const members = objectMembers(fc, c.ref[CARRIED].state, new Set());
  const keys = members ? propertyNames(members) : null;
  if (keys === null) return false;
  const ctx = c.fn.node.params[0]?.name;
  const uses = pathsWhere(fc.j, c.fn, (n) => n.type === 'MemberExpression' && !n.computed && n.object.type === 'Identifier'
    && n.object.name === ctx && n.property.type === 'Identifier' && n.property.name === 'state');
  return uses.every((use) => {
    const outer = use.parent.node;
    if (outer.type !== 'MemberExpression' || outer.object !== use.node) return true;
    const key = !outer.computed && outer.property.type === 'Identifier' ? outer.property.name : isStringLiteral(outer.property) ? outer.property.value : null;
    return key !== null && keys.has(key);
  });
}

/** P stays when every registration is a route whose literal pattern sets each required key of P, as a string. */
function paramsFit(fc: FileContext, c: Carried): boolean {
  const keys = stringKeys(fc, c.ref[CARRIED].params, new Set());
  if (!keys || !c.registrations || c.registrations.length === 0) return false;
  return c.registrations.every((r) => {
    if (!ROUTE_METHODS.has(r.method) && r.method !== 'on') return false;
    if (r.pattern === null) return false;
    const names = patternParamNames(r.pattern);
    return [...keys.required].every((k) => names.has(k));
  });
}

/** The keys of an object type whose every member is `name: string` / `name?: string`; null for anything else. */
function stringKeys(fc: FileContext, type: any, seen: Set<string>): { required: Set<string> } | null {
  const members = objectMembers(fc, type, seen);
  if (!members) return null;
  const required = new Set<string>();
  for (const m of members) {
    if (m.type !== 'TSPropertySignature' || m.computed) return null;
    const key = m.key.type === 'Identifier' ? m.key.name : isStringLiteral(m.key) ? m.key.value : null;
    if (key === null || m.typeAnnotation?.typeAnnotation?.type !== 'TSStringKeyword') return null;
    if (!m.optional) required.add(key);
  }
  return { required };
}

/** The members of an object type written in this file (literal, intersection, or alias of those); null otherwise. */
function objectMembers(fc: FileContext, type: any, seen: Set<string>): any[] | null {
  if (type?.type === 'TSTypeLiteral') return type.members;
  if (type?.type === 'TSParenthesizedType') return objectMembers(fc, type.typeAnnotation, seen);
  if (type?.type === 'TSIntersectionType') {
    const all: any[] = [];
    for (const t of type.types) {
      const part = objectMembers(fc, t, seen);
      if (!part) return null;
      all.push(...part);
    }
    return all;
  }
  if (type?.type === 'TSTypeReference' && type.typeName.type === 'Identifier' && !type.typeParameters) {
    const name = type.typeName.name;
    if (seen.has(name)) return null;
    const alias = localTypeAlias(fc, name);
    return alias ? objectMembers(fc, alias, new Set([...seen, name])) : null;
  }
  return null;
}

function localTypeAlias(fc: FileContext, name: string): any | null {
  for (const st of fc.root.get().node.program.body as any[]) {
    const decl = st.type === 'ExportNamedDeclaration' ? st.declaration : st;
    if (decl?.type === 'TSTypeAliasDeclaration' && decl.id.name === name && !decl.typeParameters) return decl.typeAnnotation;
  }
  return null;
}

/** Param names of a runtime pattern, as PathParams reads them: `{name}` and `{name:regex}` (regex braces skipped). */
export function patternParamNames(pattern: string): Set<string> {
  const names = new Set<string>();
  let i = 0;
  while ((i = pattern.indexOf('{', i)) !== -1) {
    const close = pattern.indexOf('}', i + 1);
    if (close === -1) break;
    const head = pattern.slice(i + 1, close);
    const colon = head.indexOf(':');
    if (colon === -1) { names.add(head); i = close + 1; continue; }
    names.add(head.slice(0, colon));
    i = skipRegex(pattern, i + 1 + colon + 1);
  }
  return names;
}

/** The index after the `}` closing a `{name:regex}` whose regex starts at `from`, counting nested braces. */
function skipRegex(pattern: string, from: number): number {
  let depth = 0;
  for (let k = from; k < pattern.length; k++) {
    if (pattern[k] === '{') depth++;
    else if (pattern[k] === '}') {
      if (depth === 0) return k + 1;
      depth--;
    }
  }
  return pattern.length;
}

/** Registries that take `Router<Locals>` / `Server<Locals>`, with the Locals text; the type argument is written on them. */
function typedRegistries(fc: FileContext, carried: Carried[]): Map<any, string> {
  const { j } = fc;
  const states = new Map<any, { texts: Set<string>; node: any; path: ASTPath<any> }>();
  const blocked = new Set<any>();
  for (const c of carried) {
    const state = c.ref[CARRIED].state;
    if (!state || !c.registrations) continue;
    for (const r of c.registrations) {
      const entry = states.get(r.registry.node) ?? { texts: new Set<string>(), node: state, path: r.registry };
      entry.texts.add(sourceOf(j, state));
      states.set(r.registry.node, entry);
      if (!objectMembers(fc, state, new Set())) blocked.add(r.registry.node);
    }
  }
  for (const [node, entry] of states) if (entry.texts.size !== 1 || node.init.typeParameters) blocked.add(node);
  const textOf = (node: any) => (blocked.has(node) ? null : [...(states.get(node)?.texts ?? [])][0] ?? null);
  // Routers typed differently cannot mount each other; a router from another module may be typed any way.
  for (let changed = true; changed;) {
    changed = false;
    for (const [node, entry] of states) {
      if (blocked.has(node)) continue;
      if (mountsConflict(fc, entry.path, textOf)) { blocked.add(node); changed = true; }
    }
  }
  const out = new Map<any, string>();
  for (const [node, entry] of states) {
    if (blocked.has(node)) continue;
    node.init.typeParameters = j.tsTypeParameterInstantiation([cloneNode(entry.node)]);
    out.set(node, [...entry.texts][0]);
  }
  return out;
}

/** True when `registry` mounts a router of another module, or one of this file typed otherwise, or is mounted on one. */
function mountsConflict(fc: FileContext, registry: ASTPath<any>, textOf: (node: any) => string | null): boolean {
  const own = textOf(registry.node);
  const mounts = pathsWhere(fc.j, fc.root.get(), (n) => n.type === 'CallExpression' && n.callee.type === 'MemberExpression'
    && !n.callee.computed && n.callee.property.name === 'mount');
  for (const m of mounts) {
    const host = registryOf(fc, m.get('callee', 'object'));
    const guestNode = m.node.arguments[1];
    const guest = guestNode?.type === 'Identifier' ? registryDeclarations(fc).get(guestNode.name) ?? null : null;
    if (host?.node === registry.node) {
      if (isUntypedConstruction(guestNode)) continue;
      if (!guest) return true;
      const text = textOf(guest.node);
      if (text !== null && text !== own) return true;
    } else if (guest?.node === registry.node && host) {
      const text = textOf(host.node);
      if (text !== null && text !== own) return true;
    }
  }
  return false;
}

/** `new Router()` without type arguments, or a call chain on one (`new Router().requestMiddlewareAtMount(...)`). */
function isUntypedConstruction(node: any): boolean {
  let cur = node;
  while (cur?.type === 'CallExpression' && cur.callee.type === 'MemberExpression') cur = cur.callee.object;
  return cur?.type === 'NewExpression' && !cur.typeParameters;
}
