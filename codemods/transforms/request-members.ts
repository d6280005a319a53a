/**
 * `req.*` -> Context, one line per Express member (STYLE.md #11). A member
 * not in the table keeps the handler on Express.
 */
import type { ASTPath } from 'jscodeshift';
import { expr, fail, type HandlerEnv } from './handler-env.js';
import { isStringLiteral } from './ast-utils.js';
import { onRawRequest } from './request-props.js';
import { WILDCARD_PARAM } from './route-path.js';
import { expressWildcardValue } from './wildcard-value.js';

type Rewrite = (env: HandlerEnv, member: ASTPath<any>) => void;

const replaceWith = (code: (ctx: string) => string): Rewrite => (env, member) => {
  member.replace(expr(env, code(env.ctx)));
};

/** Only when the handler sees the full URL: Express strips the mount path from req.url/req.path in routers and scoped use. */
const absoluteOnly = (code: (ctx: string) => string, name: string): Rewrite => (env, member) => {
  if (env.relativeUrl) fail(`req.${name} is relative to the mount path inside a router or path-scoped middleware`);
  replaceWith(code)(env, member);
};

/** req.is('json') / req.is(['json', 'html']) / req.is('json', 'html') -> the array type-is wants. */
function typeList(args: string, nodes: any[]): string {
  if (nodes.length === 1 && nodes[0].type === 'ArrayExpression') return args;
  if (nodes.every((n) => isStringLiteral(n))) return `[${args}]`;
  return `[${args}].flat()`;
}

const callWithHelper = (pkg: string, local: string, code: (ctx: string, helper: string, args: string, nodes: any[]) => string): Rewrite => (env, member) => {
  const call = member.parent;
  if (call.node.type !== 'CallExpression' || call.node.callee !== member.node) fail(`req.${member.node.property.name} used without calling it`);
  env.fc.helperImports.set(local, pkg);
  const args = call.node.arguments.map((a: any) => env.fc.j(a).toSource()).join(', ');
  call.replace(expr(env, code(env.ctx, local, args, call.node.arguments)));
};

const headerCall: Rewrite = (env, member) => {
  const call = member.parent;
  if (call.node.type !== 'CallExpression' || call.node.callee !== member.node) fail('req.get/req.header used without calling it');
  member.replace(env.fc.j.memberExpression(env.fc.j.identifier(env.ctx), env.fc.j.identifier('header')));
};

/**
 * Express `req.params[0]` is the `*` or regex capture; the runtime names it. A `*` capture is
 * rebuilt from the raw path (wildcard-value.ts): the runtime's comes from its normalised path.
 */
const params: Rewrite = (env, member) => {
  const outer = member.parent;
  if (outer.node.type === 'MemberExpression' && outer.node.object === member.node && outer.node.computed) {
    const key = outer.node.property;
    if (key.type === 'NumericLiteral' || (key.type === 'Literal' && typeof key.value === 'number')) {
      const name = env.indexNames.get(key.value);
      if (!name) fail(`req.params[${key.value}] has no counterpart in the runtime path`);
      outer.replace(expr(env, name === WILDCARD_PARAM ? expressWildcardValue(env, member) : `${env.ctx}.params.${name}`));
      return;
    }
  }
  if (env.wildcards.size) return wildcardParams(env, member);
  replaceWith((c) => `${c}.params`)(env, member);
};

/**
 * Express 5 `req.params.rest` of `*rest` is the rest of the raw path (what
 * its router matches: parseurl's pathname) split at `/`, each piece decoded:
 * empty pieces for `//` and a trailing slash, `.` and `..` kept. ctx.path is
 * normalised (those are gone) and ctx.params.rest decoded whole, so the
 * array is rebuilt from the same pathname with the same parser Express uses.
 */
function wildcardParams(env: HandlerEnv, member: ASTPath<any>): void {
  const outer = member.parent;
  const key = outer.node.type === 'MemberExpression' && outer.node.object === member.node && !outer.node.computed ? outer.node.property.name : null;
  if (key === null) fail('req.params is used whole while it holds an Express 5 wildcard array');
  const before = env.wildcards.get(key);
  if (before === undefined) return replaceWith((c) => `${c}.params`)(env, member);
  if (env.relativeUrl) fail(`req.params.${key} (an Express 5 wildcard) inside a router: the mount path's length is not known here`);
  env.fc.helperImports.set('parseurl', 'parseurl');
  outer.replace(expr(env, `parseurl(${env.ctx}.req).pathname.split('/').slice(${before + 1}).map(decodeURIComponent)`));
}

const signedCookies: Rewrite = (env, member) => {
  const outer = member.parent;
  if (outer.node.type !== 'MemberExpression' || outer.node.object !== member.node) return replaceWith((c) => `${c}.signedCookies`)(env, member);
  const key = outer.node.computed ? outer.node.property : env.fc.j.stringLiteral(outer.node.property.name);
  if (outer.node.computed && !isStringLiteral(key) && key.type !== 'Identifier') fail('req.signedCookies with a computed key');
  outer.replace(env.fc.j.callExpression(env.fc.j.memberExpression(env.fc.j.identifier(env.ctx), env.fc.j.identifier('signedCookie')), [key]));
};

/** Express's req.baseUrl: '' on an app; in a router, the request path minus the route's own segments. */
const baseUrl: Rewrite = (env, member) => {
  if (!env.relativeUrl) return member.replace(env.fc.j.stringLiteral(''));
  if (env.routeSegments === null) fail('req.baseUrl in middleware or a route with a wildcard');
  const strip = env.routeSegments === 0 ? '' : `.replace(/(?:\\/[^/]+){${env.routeSegments}}$/, '')`;
  member.replace(expr(env, `${env.ctx}.path.replace(/\\/$/, '')${strip}`));
};

export const REQUEST_MEMBERS: Record<string, Rewrite> = {
  baseUrl,
  params,
  query: replaceWith((c) => `${c}.query`),
  body: replaceWith((c) => `${c}.requestBody`),
  headers: replaceWith((c) => `${c}.headers`),
  get: headerCall,
  header: headerCall,
  cookies: replaceWith((c) => `${c}.cookies`),
  signedCookies,
  ip: replaceWith((c) => `${c}.ip`),
  method: replaceWith((c) => `${c}.method`),
  path: absoluteOnly((c) => `${c}.path`, 'path'),
  url: absoluteOnly((c) => `${c}.url`, 'url'),
  originalUrl: replaceWith((c) => `${c}.url`),
  hostname: replaceWith((c) => `${c}.hostname`),
  host: replaceWith((c) => `${c}.host`),
  protocol: replaceWith((c) => `${c}.protocol`),
  secure: replaceWith((c) => `${c}.secure`),
  xhr: replaceWith((c) => `(String(${c}.header('x-requested-with') ?? '').toLowerCase() === 'xmlhttprequest')`),
  is: callWithHelper('type-is', 'typeis', (c, h, args, nodes) => `${h}(${c}.req, ${typeList(args, nodes)})`),
  accepts: callWithHelper('accepts', 'accepts', (c, h, args) => `${h}(${c}.req).types(${args})`),
  acceptsCharsets: callWithHelper('accepts', 'accepts', (c, h, args) => `${h}(${c}.req).charsets(${args})`),
  acceptsEncodings: callWithHelper('accepts', 'accepts', (c, h, args) => `${h}(${c}.req).encodings(${args})`),
  acceptsLanguages: callWithHelper('accepts', 'accepts', (c, h, args) => `${h}(${c}.req).languages(${args})`),
};

/** Members that are Express internals or streaming: the handler stays on Express. */
const UNSUPPORTED = new Set(['app', 'res', 'next', 'route', 'fresh', 'stale', 'subdomains', 'ips', 'on', 'once', 'pipe', 'socket', 'connection', 'range', 'param', 'read', 'setEncoding', 'resume', 'pause', 'unpipe']);

export function rewriteRequestRef(env: HandlerEnv, ref: ASTPath<any>): void {
  const member = ref.parent;
  if (member?.node.type !== 'MemberExpression' || member.node.object !== ref.node) fail(`the request object is passed around as a value`);
  if (member.node.computed) fail('req accessed with a computed key');
  const name = member.node.property.name as string;
  const rewrite = REQUEST_MEMBERS[name];
  if (rewrite) return rewrite(env, member);
  if (UNSUPPORTED.has(name)) fail(`req.${name} has no runtime counterpart`);
  rewriteCustomProperty(env, member, name);
}

/**
 * compat's bridges (fromExpress, mountExpress) mirror these into ctx.state by
 * default, and migrated middleware writes them there: whoever sets them,
 * a migrated handler reads them from ctx.state.
 */
const BRIDGED_BY_DEFAULT = new Set(['user', 'session']);

/** `req.user = x` in migrated middleware -> ctx.state.user; reads only where the value provably lands in ctx.state. */
function rewriteCustomProperty(env: HandlerEnv, member: ASTPath<any>, name: string): void {
  const parent = member.parent.node;
  const isWrite = parent.type === 'AssignmentExpression' && parent.left === member.node;
  if (onRawRequest(env.fc, name, isWrite)) {
    // Kept on the raw request (request-props.ts): the object Express code reads it from too.
    member.replace(expr(env, `${env.ctx}.req.${name}`));
    return;
  }
  if (isWrite) {
    if (env.role !== 'middleware') fail(`req.${name} is assigned outside middleware`);
    env.stateWrites.add(name);
  } else if (BRIDGED_BY_DEFAULT.has(name) || env.stateReadable.has(name)) {
    // set by migrated code (ctx.state), or by Express middleware whose req.user/req.session compat mirrors into ctx.state
  } else if (env.bridgeable) {
    env.bridgedReads.add(name);
  } else {
    fail(`req.${name} is set outside migrated code`);
  }
  member.replace(expr(env, `${env.ctx}.state.${name}`));
}
