/**
 * `compression()` / `compression({...})` from 'compression' ->
 * `compress({...}, compression)` (runtime/compress.ts): the same answers
 * without wrapping res.write/end/on and writeHead on every request. The
 * app's own compression module goes along: compat runs it on the answers
 * Express code still writes inside bridges (compat/compression-handover.ts).
 *
 * Only where compress() is known to match: the compression installed for
 * the file (resolved upwards from its directory, as express-version.ts does
 * for express) is 1.8.x, and the options carry no `filter` (a filter is
 * written for Express req/res). So the options must be absent or an object
 * literal with plain keys (a variable, a spread or a computed key could
 * bring a filter in); any value is fine, it is evaluated at registration
 * as before. Otherwise the call keeps fromExpress, with the reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ASTPath } from 'jscodeshift';
import type { FileContext } from './context.js';
import { nameIsFree } from './handler-refs.js';
import type { PackageTranslation } from './package-middleware.js';

export function translateCompression(fc: FileContext, argPath: ASTPath<any>): PackageTranslation | string {
  const call = argPath.node;
  if (call.callee.type !== 'Identifier') return 'compression is not called through a name it is imported as';
  const blocker = optionsBlocker(call.arguments);
  if (blocker !== null) return blocker;
  const version = installedCompressionVersion(fc.options.path);
  if (version === null) return 'the installed compression could not be found from this file';
  if (!version.startsWith('1.8.')) return `compress() matches compression 1.8.x; installed is ${version}`;
  if (!nameIsFree(fc, 'compress', null)) return 'compress is already a name in this file';
  const { j } = fc;
  const options = call.arguments[0] ?? j.objectExpression([]);
  return { node: j.callExpression(j.identifier('compress'), [options, j.identifier(call.callee.name)]), runtimeNames: ['compress'] };
}

/** Why the options might hold a filter (or are not compression's one options object), or null. */
function optionsBlocker(args: any[]): string | null {
  if (args.length === 0) return null;
  if (args.length > 1) return 'compression() is called with more than one argument';
  const opts = args[0];
  if (opts.type !== 'ObjectExpression') return 'the compression options are not an object literal (they may hold a filter)';
  for (const prop of opts.properties) {
    if (prop.type === 'SpreadElement' || prop.type === 'SpreadProperty') return 'the compression options spread another object (it may hold a filter)';
    if (prop.computed) return 'the compression options have a computed key';
    const key = prop.key?.name ?? prop.key?.value;
    if (key === 'filter') return 'a custom compression filter reads Express req/res';
  }
  return null;
}

const versions = new Map<string, string | null>();

/** Version of the compression package node would load for a file at `filePath`, or null. */
function installedCompressionVersion(filePath: string): string | null {
  const start = dirname(resolve(filePath));
  const known = versions.get(start);
  if (known !== undefined) return known;
  let version: string | null = null;
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', 'compression', 'package.json');
    if (existsSync(file)) {
      version = readVersion(file);
      break;
    }
    if (dirname(dir) === dir) break;
  }
  versions.set(start, version);
  return version;
}

function readVersion(file: string): string | null {
  try {
    const version = JSON.parse(readFileSync(file, 'utf8')).version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}
