/**
 * The Express generics carried to Context<Locals, P> (context-types.ts):
 * the ts-generics-* fixture pairs typecheck under `strict` before and after
 * the migration (input against @types/express, output against this
 * package's declarations, which `npm run build` writes), and the runtime
 * pattern reader agrees with PathParams on the cases path-params.test-d.ts names.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { patternParamNames } from './context-types.js';

const dir = fileURLToPath(new URL('./__testfixtures__/', import.meta.url));
const PAIRS = readdirSync(dir).filter((f) => /^ts-generics-.*\.input\.ts$/.test(f)).map((f) => f.replace('.input.ts', ''));

const OPTIONS: ts.CompilerOptions = {
  strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true, types: ['node'],
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
};

/**
 * One program for every pair and a probe: ts-generics-locals-params.output.ts with the carried types taken
 * out, which is what the codemod wrote before (ctx.state.account is unknown there), so the check can fail.
 */
const PROBE = join(dir, 'ts-generics-probe-without-carried-types.ts');

function diagnosticsByFile(files: string[]): Map<string, string[]> {
  const host = ts.createCompilerHost(OPTIONS);
  const read = host.getSourceFile.bind(host);
  const carried = ts.sys.readFile(join(dir, 'ts-generics-locals-params.output.ts'))!;
  const stripped = carried.replace(/Context<[^>]*?>(?=\))/g, 'Context').replace(/new Router<\w+>/, 'new Router');
  host.getSourceFile = (name, lang, ...rest) => (name === PROBE ? ts.createSourceFile(name, stripped, lang) : read(name, lang, ...rest));
  host.fileExists = ((exists) => (name: string) => name === PROBE || exists(name))(host.fileExists.bind(host));
  const program = ts.createProgram([...files, PROBE], OPTIONS, host);
  const out = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file ? d.file.fileName.slice(dir.length) : '';
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    out.set(file, [...(out.get(file) ?? []), `${file}(${line}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`]);
  }
  return out;
}

describe('Express generics carried to Context', () => {
  const files = PAIRS.flatMap((p) => [join(dir, `${p}.input.ts`), join(dir, `${p}.output.ts`)]);
  let byFile: Map<string, string[]>;

  it('has the pairs: locals and params, fallbacks, error handlers', () => {
    expect(PAIRS).toEqual(expect.arrayContaining(['ts-generics-locals-params', 'ts-generics-fallbacks', 'ts-generics-error-handler']));
  });

  it('every input and every output typechecks under strict', () => {
    byFile = diagnosticsByFile(files);
    const errors = [...byFile].filter(([file]) => join(dir, file) !== PROBE).flatMap(([, list]) => list);
    expect(errors).toEqual([]);
  }, 60_000);

  it('the same output without the carried types does not (the check can fail)', () => {
    const probe = byFile.get(PROBE.slice(dir.length)) ?? [];
    expect(probe.some((m) => /'ctx\.state\.account' is of type 'unknown'/.test(m))).toBe(true);
  });
});

describe('patternParamNames reads a pattern as PathParams does', () => {
  it.each([
    ['/users/{id}', ['id']],
    ['/files/{path:.+}', ['path']],
    ['/x/{a}/y/{b}', ['a', 'b']],
    ['/about/team', []],
    ['/c/{id:\\d{3}}/{rest:[a-z]{2,4}(?:x{1})?}', ['id', 'rest']],
    ['/c/{id:\\d{3}}-{n}/z', ['id', 'n']],
    ['/img/{name}.{ext}', ['name', 'ext']],
    ['/t/{at:\\d+:\\d+}/{p:a/b}', ['at', 'p']],
  ])('%s', (pattern, names) => {
    expect([...patternParamNames(pattern)]).toEqual(names);
  });
});
