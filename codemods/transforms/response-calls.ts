/**
 * `res.*` -> the Context response builder, one line per Express member
 * (STYLE.md #11). Express sends at once; the builder stores and writes when
 * the pipeline ends, so a terminal call becomes "decide the response" and
 * handler.ts makes sure nothing decides it twice.
 */
import { STATUS_CODES } from 'node:http';
import type { ASTPath } from 'jscodeshift';
import { fail, type HandlerEnv } from './handler-env.js';
import { isNumberLiteral, isStringLiteral, parseExpression, someNode, sourceOf } from './ast-utils.js';
import { expressAttachmentDisposition } from './express-content-disposition.js';
import { computedDisposition, fixedExtension } from './attachment-computed.js';
import { expressMajorFor } from './express-version.js';
import { downloadDotfiles, sendFileOptions } from './file-dotfiles.js';
import { renderStatement } from './res-render.js';

export interface ChainCall { name: string; args: any[]; node: any }

/** Calls that return `res` in Express, so they may start a chain. */
export const CHAINABLE = new Set(['status', 'set', 'header', 'type', 'contentType', 'cookie', 'clearCookie', 'location', 'append', 'vary', 'setHeader', 'attachment']);
/** Calls that send the response in Express. */
export const TERMINAL = new Set(['json', 'send', 'sendStatus', 'end', 'redirect', 'sendFile', 'download', 'render', 'jsonp', 'format']);

export const NO_COUNTERPART: Record<string, string> = {
  jsonp: 'res.jsonp has no runtime counterpart',
  write: 'res.write streams the response',
  writeHead: 'res.writeHead writes the head directly',
  links: 'res.links has no runtime counterpart',
  on: 'res.on listens to the raw response',
  once: 'res.once listens to the raw response',
  flushHeaders: 'res.flushHeaders writes the head directly',
  pipe: 'res.pipe streams the response',
};

/** Express's res.type shorthands (mime@1 lookup) for the literals people use. */
const TYPE_SHORTHANDS: Record<string, string> = {
  json: 'application/json', html: 'text/html', htm: 'text/html', text: 'text/plain', txt: 'text/plain', xml: 'application/xml',
  js: 'application/javascript', javascript: 'application/javascript', css: 'text/css', csv: 'text/csv', png: 'image/png',
  jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', pdf: 'application/pdf', bin: 'application/octet-stream',
  form: 'application/x-www-form-urlencoded', urlencoded: 'application/x-www-form-urlencoded', md: 'text/markdown',
};

/** Express's res.set adds a charset the way mime@1's charsets.lookup does. */
export function expressContentType(value: string): string {
  const full = value.includes('/') ? value : TYPE_SHORTHANDS[value.replace(/^\./, '')];
  if (!full) fail(`res.type('${value}') is not a known shorthand`);
  if (/;\s*charset\s*=/i.test(full)) return full;
  return /^text\/|^application\/(javascript|json)/.test(full.split(';')[0]) ? `${full}; charset=utf-8` : full;
}

/** `res.a(..).b(..)` rooted at the identifier `ref` -> [a, b], outermost call last; null when `ref` is not a chain root. */
export function chainFrom(ref: ASTPath<any>): { top: ASTPath<any>; calls: ChainCall[] } | null {
  const calls: ChainCall[] = [];
  let cur: ASTPath<any> = ref;
  for (;;) {
    const member = cur.parent;
    if (member?.node.type !== 'MemberExpression' || member.node.object !== cur.node || member.node.computed) break;
    const call = member.parent;
    if (call?.node.type !== 'CallExpression' || call.node.callee !== member.node) break;
    calls.push({ name: member.node.property.name, args: call.node.arguments, node: call.node });
    cur = call;
  }
  return calls.length ? { top: cur, calls } : null;
}

export function setsContentType(calls: ChainCall[]): boolean {
  return calls.some((c) => c.name === 'type' || c.name === 'contentType' || (c.name === 'attachment' && isStringLiteral(c.args[0]) && /[^.]\.[A-Za-z0-9]+$/.test(c.args[0].value))
    || ((c.name === 'set' || c.name === 'header' || c.name === 'setHeader') && isStringLiteral(c.args[0]) && c.args[0].value.toLowerCase() === 'content-type')
    || ((c.name === 'set' || c.name === 'header') && c.args[0]?.type === 'ObjectExpression'));
}

/** Statements deciding the response for one chain, in order. */
export function translateChain(env: HandlerEnv, calls: ChainCall[]): { statements: any[]; terminal: boolean; awaits: boolean } {
  const { j } = env.fc;
  const ctx = () => j.identifier(env.ctx);
  const call = (method: string, args: any[]) => j.expressionStatement(j.callExpression(j.memberExpression(ctx(), j.identifier(method)), args));
  const assign = (prop: string, value: any) => j.expressionStatement(j.assignmentExpression('=', j.memberExpression(ctx(), j.identifier(prop)), value));
  const out: any[] = [];
  let status: any = null;
  let terminal = false;
  let awaits = false;
  const flushStatus = () => { if (status) out.push(assign('status', status)); status = null; };

  calls.forEach((c, i) => {
    const last = i === calls.length - 1;
    if (!CHAINABLE.has(c.name) && !last) fail(`res.${c.name}() is chained`);
    if (NO_COUNTERPART[c.name]) fail(NO_COUNTERPART[c.name]);
    if (c.args.some((a) => a.type === 'SpreadElement')) fail(`res.${c.name} called with a spread argument`);
    switch (c.name) {
      case 'status':
        flushStatus();
        status = c.args[0];
        break;
      case 'set': case 'header': case 'setHeader':
        flushStatus();
        out.push(...headerStatements(env, c));
        break;
      case 'type': case 'contentType': {
        if (!isStringLiteral(c.args[0])) fail('res.type() with a computed type');
        const type = expressContentType(c.args[0].value);
        out.push(call('setHeader', [j.stringLiteral('Content-Type'), j.stringLiteral(env.sendsString && !/charset=/i.test(type) ? `${type}; charset=utf-8` : type)]));
        break;
      }
      case 'cookie': {
        // signed: true signs with the Server's cookieSecret (set from cookieParser(secret) where the app registers it).
        if (c.args[1]?.type === 'ObjectExpression' || c.args[1]?.type === 'ArrayExpression') fail('res.cookie with an object value (Express stores j:JSON)');
        out.push(call('setCookie', c.args));
        break;
      }
      case 'clearCookie': out.push(call('clearCookie', c.args)); break;
      case 'location':
        if (isStringLiteral(c.args[0]) && c.args[0].value === 'back') fail('res.location("back") reads the Referer header');
        if (c.args.length !== 1) fail('res.location with other than one argument');
        if (isStringLiteral(c.args[0]) && !/[^\w\-./?=&#:~%+@!$'()*,;]/.test(c.args[0].value)) {
          out.push(call('setHeader', [j.stringLiteral('Location'), c.args[0]]));
        } else {
          // Express sets encodeurl(url); so does this.
          env.fc.helperImports.set('encodeUrl', 'encodeurl');
          out.push(call('setHeader', [j.stringLiteral('Location'), j.callExpression(j.identifier('encodeUrl'), [c.args[0]])]));
        }
        break;
      case 'attachment': out.push(...attachmentStatements(env, c)); break;
      case 'append': out.push(call('appendHeader', c.args)); break;
      case 'vary': out.push(call('appendHeader', [j.stringLiteral('Vary'), c.args[0]])); break;
      case 'json': {
        if (c.args.length !== 1) fail('res.json with other than one argument');
        const args = status ? [c.args[0], status] : [c.args[0]];
        status = null;
        out.push(call('json', args));
        terminal = true;
        break;
      }
      case 'send': flushStatus(); out.push(sendStatement(env, c.args)); terminal = true; break;
      case 'sendStatus': {
        if (!isNumberLiteral(c.args[0])) fail('res.sendStatus with a computed status');
        const code = c.args[0].value;
        out.push(assign('status', c.args[0]));
        out.push(call('text', [j.stringLiteral(STATUS_CODES[code] ?? String(code))]));
        status = null;
        terminal = true;
        break;
      }
      case 'end':
        flushStatus();
        if (c.args.length > 1 || (c.args[0] && /Function/.test(c.args[0].type))) fail('res.end with an encoding or callback');
        out.push(assign('body', c.args[0] ?? j.nullLiteral()));
        terminal = true;
        break;
      case 'redirect': flushStatus(); out.push(redirectStatement(env, c.args)); terminal = true; break;
      case 'render': flushStatus(); out.push(renderStatement(env, c.args)); terminal = true; awaits = true; break;
      case 'sendFile': case 'download': {
        flushStatus();
        out.push(...fileStatements(env, c));
        terminal = true;
        awaits = true;
        break;
      }
      default:
        fail(`res.${c.name}() has no runtime counterpart`);
    }
  });
  flushStatus();
  return { statements: out, terminal, awaits };
}

function headerStatements(env: HandlerEnv, c: ChainCall): any[] {
  const { j } = env.fc;
  const one = (name: any, value: any) => {
    if (value === undefined) fail(`res.${c.name} with one argument`);
    if (isStringLiteral(name) && name.value.toLowerCase() === 'content-type') {
      if (!isStringLiteral(value)) fail('Content-Type set to a computed value (Express adds the charset)');
      const type = expressContentType(value.value);
      // res.send(string) adds the charset Express's res.set left out (application/xml -> application/xml; charset=utf-8).
      value = j.stringLiteral(env.sendsString && !/charset=/i.test(type) ? `${type}; charset=utf-8` : type);
    }
    return j.expressionStatement(j.callExpression(j.memberExpression(j.identifier(env.ctx), j.identifier('setHeader')), [name, value]));
  };
  const [a, b] = c.args;
  if (a?.type !== 'ObjectExpression') return [one(a, b)];
  return a.properties.map((p: any) => {
    if ((p.type !== 'Property' && p.type !== 'ObjectProperty') || p.computed) fail(`res.${c.name} with a computed header object`);
    const key = p.key.type === 'Identifier' ? j.stringLiteral(p.key.name) : p.key;
    return one(key, p.value);
  });
}

/** Express res.send: string -> text/html unless a type is set, Buffer -> octet-stream, object -> JSON. */
function sendStatement(env: HandlerEnv, args: any[]): any {
  const { j } = env.fc;
  const call = (method: string, a: any[]) => j.expressionStatement(j.callExpression(j.memberExpression(j.identifier(env.ctx), j.identifier(method)), a));
  const body = (v: any) => j.expressionStatement(j.assignmentExpression('=', j.memberExpression(j.identifier(env.ctx), j.identifier('body')), v));
  const [x] = args;
  if (args.length > 1) fail('res.send with a status argument (deprecated Express form)');
  if (x === undefined) return body(j.nullLiteral());
  if (isNumberLiteral(x)) fail('res.send(number) means a status code in Express 4');
  const kind = staticKind(x);
  if (kind === 'object') return call('json', [x]);
  if (kind === 'string') return env.setsContentType ? body(x) : call('html', [x]);
  if (kind === 'buffer') return env.setsContentType ? body(x) : call('bytes', [x]);
  // The handler set Content-Type itself: Express keeps it for strings and Buffers, as ctx.body does.
  if (env.setsContentType && kind !== 'object') return body(x);
  if (x.type === 'Identifier' || (x.type === 'MemberExpression' && !someNode(x, (n) => n.type === 'CallExpression'))) {
    // Type known only at run time: Express answers a string as HTML; ctx.body handles Buffers, objects and null like res.send.
    return j.ifStatement(
      j.binaryExpression('===', j.unaryExpression('typeof', x), j.stringLiteral('string')),
      j.blockStatement([call('html', [x])]),
      j.blockStatement([body(x)]),
    );
  }
  fail('res.send with a computed value whose type is only known at run time');
}

export function staticKind(x: any): 'string' | 'object' | 'buffer' | null {
  if (isStringLiteral(x) || x.type === 'TemplateLiteral') return 'string';
  if (x.type === 'BinaryExpression' && x.operator === '+' && (staticKind(x.left) === 'string' || staticKind(x.right) === 'string')) return 'string';
  if (x.type === 'ObjectExpression' || x.type === 'ArrayExpression') return 'object';
  if (x.type === 'CallExpression' && x.callee.type === 'MemberExpression' && x.callee.object.type === 'Identifier' && x.callee.object.name === 'Buffer') return 'buffer';
  if (x.type === 'CallExpression' && x.callee.type === 'MemberExpression' && x.callee.object.type === 'Identifier' && x.callee.object.name === 'JSON' && x.callee.property.name === 'stringify') return 'string';
  return null;
}

function redirectStatement(env: HandlerEnv, args: any[]): any {
  const { j } = env.fc;
  let url = args[0];
  let status: any = null;
  if (args.length === 2) {
    if (isNumberLiteral(args[0])) [status, url] = [args[0], args[1]];
    else [url, status] = [args[0], args[1]];
  }
  if (args.length === 0 || args.length > 2) fail('res.redirect with an unexpected argument list');
  if (isStringLiteral(url) && url.value === 'back') fail('res.redirect("back") reads the Referer header');
  if (status && !isNumberLiteral(status)) fail('res.redirect with a computed status');
  const callArgs = status ? [url, parseExpression(j, `{ status: ${sourceOf(j, status)} }`)] : [url];
  return j.expressionStatement(j.callExpression(j.memberExpression(j.identifier(env.ctx), j.identifier('redirect')), callArgs));
}

/** File names whose header content-disposition 0.5 (every Express 4) writes as `filename="..."`, nothing else. */
const PLAIN_FILE_NAME = /^[\w .\-()+,=@!#$&'~]+$/;

/**
 * res.attachment(name): Content-Type from the name's extension (as res.type),
 * then Content-Disposition, computed here for a literal name with the
 * content-disposition the app's express loads (the one the app itself
 * depends on may be another version).
 */
function attachmentStatements(env: HandlerEnv, c: ChainCall): any[] {
  const { j } = env.fc;
  const setHeader = (name: string, value: string) => j.expressionStatement(j.callExpression(j.memberExpression(j.identifier(env.ctx), j.identifier('setHeader')), [j.stringLiteral(name), j.stringLiteral(value)]));
  if (c.args.length > 1) fail('res.attachment with more than one argument');
  const [name] = c.args;
  if (!name) return [setHeader('Content-Disposition', 'attachment')];
  if (!isStringLiteral(name)) return computedAttachmentStatements(env, name, setHeader);
  const file = name.value.split(/[\\/]/).pop() ?? '';
  const disposition = attachmentDisposition(env, name.value, file);
  const ext = /[^.]\.([A-Za-z0-9]+)$/.exec(file)?.[1];
  const statements = [];
  if (ext) {
    const type = expressContentType(ext);
    statements.push(setHeader('Content-Type', env.sendsString && !/charset=/i.test(type) ? `${type}; charset=utf-8` : type));
  }
  statements.push(setHeader('Content-Disposition', disposition));
  return statements;
}

/** A computed name with a fixed extension (attachment-computed.ts); others stay on Express. */
function computedAttachmentStatements(env: HandlerEnv, name: any, setHeader: (name: string, value: string) => any): any[] {
  const { j } = env.fc;
  const ext = fixedExtension(name);
  if (ext === null) fail('res.attachment with a computed file name (Express derives the type from its extension at run time)');
  const type = expressContentType(ext);
  const disposition = computedDisposition(env, name);
  return [
    setHeader('Content-Type', env.sendsString && !/charset=/i.test(type) ? `${type}; charset=utf-8` : type),
    j.expressionStatement(j.callExpression(j.memberExpression(j.identifier(env.ctx), j.identifier('setHeader')), [j.stringLiteral('Content-Disposition'), disposition])),
  ];
}

/**
 * The header the app's own express writes (express-content-disposition.ts: 0.5, 1.x and 2.x differ). Without
 * it, Express 4 (always content-disposition 0.5) still writes a plain name as `filename="name"`.
 */
function attachmentDisposition(env: HandlerEnv, name: string, file: string): string {
  const exact = expressAttachmentDisposition(env.fc.options.path, name);
  // Non-US-ASCII header text reaches the wire differently from Express and from the runtime (Express 4 sent 'ï' as
  // byte 0xFD, the runtime sends UTF-8 C3 AF; attachment-disposition.test.ts): only US-ASCII gives the same bytes.
  if (exact !== null && !/^[\x20-\x7e]*$/.test(exact)) fail(`res.attachment('${name}'): Express writes non-ASCII bytes for this name in the header`);
  if (exact !== null) return exact;
  if (expressMajorFor(env.fc.options.path) === 4 && PLAIN_FILE_NAME.test(file)) return `attachment; filename="${file}"`;
  return fail(`res.attachment('${name}'): the app's express and its content-disposition cannot be loaded to write the header as it does`);
}

function fileStatements(env: HandlerEnv, c: ChainCall): any[] {
  const { j } = env.fc;
  if (c.args.some((a) => /Function/.test(a.type))) fail(`res.${c.name} with a callback`);
  const file = (args: any[]) => j.expressionStatement(j.awaitExpression(j.callExpression(j.memberExpression(j.identifier(env.ctx), j.identifier('file')), args)));
  if (c.name === 'sendFile') {
    if (c.args.length === 0 || c.args.length > 2) fail('res.sendFile with an unexpected argument list');
    return [file([c.args[0], sendFileOptions(env, c.args[1])])];
  }
  const [path, name, opts] = c.args;
  if (c.args.length === 0 || c.args.length > 3 || (name && name.type === 'ObjectExpression')) fail('res.download with an unexpected argument list');
  if (opts && opts.type !== 'ObjectExpression') fail('res.download with options computed at run time');
  if (opts?.properties.some((p: any) => p.type !== 'Property' && p.type !== 'ObjectProperty')) fail('res.download with spread options');
  // Express resolves a relative path against the working directory unless options.root is given; ctx.file needs it absolute.
  const hasRoot = !!opts?.properties.some((p: any) => !p.computed && (p.key.name ?? p.key.value) === 'root');
  let target = path;
  if (!hasRoot && !isAbsolutePathExpression(path)) {
    env.fc.helperImports.set('nodePath', 'node:path');
    target = j.callExpression(j.memberExpression(j.identifier('nodePath'), j.identifier('resolve')), [path]);
  }
  // ctx.file's attachment writes Content-Disposition as Express does: the download name, or the file's own name.
  const attachment = j.property('init', j.identifier('attachment'), name ?? j.booleanLiteral(true));
  return [file([target, j.objectExpression([...(opts?.properties ?? []), ...downloadDotfiles(env, opts), attachment])])];
}

/** `path.join(__dirname, ...)`, `path.resolve(...)`, `require.resolve(...)`, `__filename`: absolute whatever the working directory. */
function isAbsolutePathExpression(node: any): boolean {
  if (node.type === 'Identifier') return node.name === '__filename' || node.name === '__dirname';
  if (node.type !== 'CallExpression' || node.callee.type !== 'MemberExpression' || node.callee.computed) return false;
  const method = node.callee.property.name;
  if (method === 'resolve') return true;
  return method === 'join' && node.arguments[0]?.type === 'Identifier' && node.arguments[0].name === '__dirname';
}

/** `res.locals`, `res.headersSent`, `res.statusCode`, `res.getHeader(n)`: value reads that need no statement of their own. */
export function rewriteResponseValue(env: HandlerEnv, member: ASTPath<any>): boolean {
  const { j } = env.fc;
  const name = member.node.property.name;
  const to = (prop: string) => { member.replace(j.memberExpression(j.identifier(env.ctx), j.identifier(prop))); return true; };
  if (name === 'locals') return to('state');
  if (name === 'headersSent') return to('committed');
  if (name === 'statusCode') return to('status');
  if (name === 'getHeader' || name === 'get') {
    const call = member.parent;
    if (call.node.type !== 'CallExpression' || call.node.callee !== member.node) fail(`res.${name} used without calling it`);
    return to('getHeader');
  }
  if (name === 'removeHeader') return to('removeHeader');
  return false;
}
