/**
 * `res.attachment(`project-${id}-summary.csv`)`: a computed file name whose
 * extension is fixed by the template's literal tail. Content-Type comes from
 * that extension (as res.type(extname(name))), and Content-Disposition is
 * computed at run time by the content-disposition module Express itself
 * loads, called as that Express calls it (express-content-disposition.ts):
 * the same bytes for any name. That holds for content-disposition 2 (Express
 * 5.3+), whose header is US-ASCII only. Anything else stays on Express.
 */
import { fail, type HandlerEnv } from './handler-env.js';
import { sharedContentDisposition } from './express-content-disposition.js';

/** The extension Express's extname(basename(name)) finds whatever the template's expressions hold; null when they could change it. */
export function fixedExtension(name: any): string | null {
  if (name?.type !== 'TemplateLiteral' || name.expressions.length === 0) return null;
  const tail = name.quasis.at(-1)?.value.cooked;
  // A character other than '.' or '/' before the last dot, in the literal tail: the base name cannot start at that dot.
  return typeof tail === 'string' ? /[^./]\.([A-Za-z0-9]+)$/.exec(tail)?.[1] ?? null : null;
}

/** The Content-Disposition value for a computed name, as an expression; fails when it cannot be the same as Express's. */
export function computedDisposition(env: HandlerEnv, name: any): any {
  const { j } = env.fc;
  const flavor = sharedContentDisposition(env.fc.options.path);
  if (flavor === null) fail("res.attachment with a computed file name: the app cannot import the content-disposition its express uses");
  if (env.fc.root.find(j.Identifier, { name: 'contentDisposition' }).size() > 0) fail('res.attachment with a computed file name: contentDisposition is already a name here');
  // 0.5 and 1.x keep a Latin-1 name's characters in the header, whose bytes on the wire differ between Express and
  // the runtime; 2.x writes US-ASCII only (`?` and filename*), so any name gives the same bytes.
  if (flavor === 'function') fail('res.attachment with a computed file name: content-disposition before 2.0 keeps Latin-1 names in the header, whose bytes the runtime would write differently');
  env.fc.helperImports.set('contentDisposition', 'content-disposition');
  env.fc.helperImports.set('nodePath', 'node:path');
  const base = j.callExpression(j.memberExpression(j.identifier('nodePath'), j.identifier('basename')), [name]);
  return j.callExpression(j.memberExpression(j.identifier('contentDisposition'), j.identifier('create')), [base]);
}
