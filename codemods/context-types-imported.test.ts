/**
 * Handlers typed with Express generics in a module of their own (exported,
 * registered by the app's module): the runner migrates both modules, and
 * both the original and the migrated project typecheck under `strict`. The
 * exported handlers keep the default Context (their registrations are in
 * another module), and their reads of res.locals members say the Locals type.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectTrees } from './__testfixtures__/project-tree.js';

const { migratedCopy } = projectTrees('exw-context-types-');

const FILES = {
  'package.json': JSON.stringify({ name: 'app', type: 'module', dependencies: { express: '^4.21.2' } }),
  'auth.ts': [
    "import type { NextFunction, Request, Response } from 'express';",
    '',
    'export type UserLocals = { user: { id: number; name: string } };',
    '',
    'export function loadUser(req: Request, res: Response<unknown, UserLocals>, next: NextFunction) {',
    "  res.locals.user = { id: Number(req.headers['x-user'] ?? 0), name: 'ann' };",
    '  next();',
    '}',
    '',
    'export function whoami(req: Request, res: Response<unknown, UserLocals>) {',
    '  res.json({ name: res.locals.user.name.toUpperCase() });',
    '}',
    '',
  ].join('\n'),
  'app.ts': [
    "import express from 'express';",
    "import { loadUser, whoami } from './auth.js';",
    '',
    'const app = express();',
    'app.use(loadUser);',
    "app.get('/me', whoami);",
    'export default app;',
    '',
  ].join('\n'),
};

const OPTIONS: ts.CompilerOptions = {
  strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true, types: ['node'],
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
};

function typeErrors(dir: string): string[] {
  const program = ts.createProgram([join(dir, 'app.ts'), join(dir, 'auth.ts')], OPTIONS);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('Express generics on handlers exported by their own module', () => {
  it('migrates both modules, and the project typechecks before and after', async () => {
    const { original, migrated, read } = await migratedCopy(FILES);
    expect(read('auth.ts')).toContain('export async function whoami(ctx: Context) {');
    expect(read('auth.ts')).toContain("(ctx.state.user as UserLocals['user']).name.toUpperCase()");
    expect(read('app.ts')).toContain("app.get('/me'");
    expect(typeErrors(original)).toEqual([]);
    expect(typeErrors(migrated)).toEqual([]);
  }, 60_000);
});
