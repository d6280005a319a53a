/**
 * Express 4's res.sendFile / res.download without a `dotfiles` option use send 0.x's legacy rule: only a
 * final path segment starting with a dot is ignored, dot directories on the way are served. The runtime's
 * default is Express 5's (send 1.x: any dot segment is ignored, for an absolute path even above the file's
 * directory: `/home/me/.app/file.txt` would answer 404). So in an Express 4 app ctx.file gets
 * `dotfiles: 'express4'`, which is that legacy rule (runtime/static.ts).
 */
import { isStringLiteral, parseExpression, sourceOf } from './ast-utils.js';
import { expressMajorFor } from './express-version.js';
import type { HandlerEnv } from './handler-env.js';

const LEGACY = "dotfiles: 'express4'";

function needsLegacyDotfiles(env: HandlerEnv, opts: any): boolean {
  if (expressMajorFor(env.fc.options.path) !== 4) return false;
  if (opts?.type !== 'ObjectExpression') return true;
  return !opts.properties.some((p: any) => (p.type === 'Property' || p.type === 'ObjectProperty') && !p.computed && (p.key.name ?? (isStringLiteral(p.key) ? p.key.value : null)) === 'dotfiles');
}

/** res.sendFile's options with Express 4's dotfiles rule added when the app gives none; the same node otherwise. */
export function sendFileOptions(env: HandlerEnv, opts: any): any {
  if (!needsLegacyDotfiles(env, opts)) return opts;
  const { j } = env.fc;
  if (!opts) return parseExpression(j, `{ ${LEGACY} }`);
  // An options object only known at run time: its own dotfiles, if any, still wins.
  if (opts.type !== 'ObjectExpression') return parseExpression(j, `{ ${LEGACY}, ...${sourceOf(j, opts)} }`);
  return parseExpression(j, `{ ${[...opts.properties.map((p: any) => sourceOf(j, p)), LEGACY].join(', ')} }`);
}

/** The property to add to res.download's options (built by response-calls.ts) in an Express 4 app without dotfiles. */
export function downloadDotfiles(env: HandlerEnv, opts: any): any[] {
  if (!needsLegacyDotfiles(env, opts)) return [];
  const { j } = env.fc;
  return [j.property('init', j.identifier('dotfiles'), j.stringLiteral('express4'))];
}
