/**
 * What the runner calls per file, and how it finds it. The default is the
 * project's own migrateSource; `--transform <module>` accepts either a module
 * exporting `migrateSource` with the same shape, or any plain jscodeshift
 * transform module (default export `(fileInfo, api, options)`), so
 * third-party transforms run with our safety net (atomic writes, CRLF, BOM,
 * parse failures reported).
 */
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MigrationEntry } from './transforms/context.js';
import type { HandlerHint, TypeHint } from './project/hints.js';
import { runnerErrors } from './runner-errors.js';

export type { MigrationEntry };
export type ParserName = 'babel' | 'tsx' | 'ts' | 'flow';
export const PARSERS: readonly ParserName[] = ['babel', 'tsx', 'ts', 'flow'];

export interface TransformCallOptions {
  path: string;
  parser?: ParserName;
  runtimeImport?: string;
  compatImport?: string;
  /** Functions in this file that the project pass proved are Express handlers, routers or router-receiving functions. */
  handlerHints?: HandlerHint[];
  /** Names in this file that the project pass traced to Express types (Request, Response, NextFunction, ...). */
  typeHints?: TypeHint[];
  /** Handlers shared across modules: which to convert here, which imported ones to register natively (codemods/imported-handlers.ts). */
  importedHandlers?: ImportedHandlerPlan;
}

/** How a registration runs a handler, which decides how it converts. */
export interface HandlerSiteKind {
  /** 'error': a panic hook from 4-argument error middleware; 'notFound': the app's trailing 404 middleware. */
  role: 'route' | 'middleware' | 'error' | 'notFound';
  /** req.url is relative to a router or a use() path there. */
  relativeUrl: boolean;
}

export interface DefinitionToConvert extends HandlerSiteKind {
  /** Where the function (or the factory returning it) starts in the original text, and its local name. */
  line: number;
  column: number;
  name: string | null;
  /** The function is a factory: the functions it returns are the handlers. */
  factory: boolean;
  /** Every registration is a use() (app- or router-level): the request properties it sets stay on the raw request. */
  global?: boolean;
}

export interface ImportedHandlerPlan {
  /** Functions defined here that every other module registers natively: convert them to runtime handlers. */
  convert: DefinitionToConvert[];
  /** Registrations here of functions converted in their own module, as `line:reference` (`8:requireAuth`, `12:users.list`). */
  native: string[];
  /** Every registration here of a function from another module of the app, as `line:reference`: ours, counted as native or compat. */
  ours?: string[];
  /** For those registrations: the custom request properties the function now stores on ctx.state (req.account -> ctx.state.account). */
  stateWrites?: Record<string, string[]>;
  /** Custom request properties every migrated file of the run reads and writes on the raw request, ctx.req (transforms/request-props.ts). */
  requestProps?: string[];
}

export interface ImportedHandlerReport {
  /** Per definition asked for: null when it was converted, otherwise why not. */
  definitions: Array<{ line: number; column: number; reason: string | null; stateWrites?: string[]; requestWrites?: string[] }>;
  /** Every registration here of a reference named in `native`: whether it migrated natively, and how it runs the handler. */
  uses: Array<HandlerSiteKind & { site: string; native: boolean }>;
}

export interface TransformResult {
  output: string | null;
  entries: MigrationEntry[];
  handlers: { native: number; compat: number };
  /** Present when the transform was given importedHandlers. */
  importedHandlers?: ImportedHandlerReport;
}

export type TransformFn = (source: string, options: TransformCallOptions) => TransformResult | Promise<TransformResult>;

/** A module path (worker threads can load it) or a function (runs on the main thread). */
export type TransformSpec = string | TransformFn;

export const DEFAULT_TRANSFORM = new URL('./migrate-project-file.js', import.meta.url).href;

export function transformUrl(spec: string | undefined, cwd: string): string {
  if (spec === undefined) return DEFAULT_TRANSFORM;
  if (/^(file|data|node):/.test(spec)) return spec;
  return pathToFileURL(resolve(cwd, spec)).href;
}

export async function loadTransform(url: string): Promise<TransformFn> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    throw runnerErrors.EXW_ERR_CODEMOD_RUNNER_TRANSFORM(url, (err as Error).message.split('\n')[0]);
  }
  if (typeof mod.migrateSource === 'function') return mod.migrateSource as TransformFn;
  const candidate = typeof mod.default === 'function' ? mod.default
    : typeof (mod.default as { default?: unknown })?.default === 'function' ? (mod.default as { default: unknown }).default : null;
  if (typeof candidate !== 'function') {
    throw runnerErrors.EXW_ERR_CODEMOD_RUNNER_TRANSFORM(url, 'it exports neither migrateSource nor a default jscodeshift transform');
  }
  const declared = (mod.parser ?? (mod.default as { parser?: unknown })?.parser) as ParserName | undefined;
  return adaptJscodeshift(candidate as JscodeshiftTransform, declared);
}

type JscodeshiftTransform = (file: { path: string; source: string }, api: unknown, options: Record<string, unknown>) => unknown;

function adaptJscodeshift(transform: JscodeshiftTransform, declaredParser: ParserName | undefined): TransformFn {
  return async (source, options) => {
    const jscodeshift = (await import('jscodeshift')).default;
    const j = jscodeshift.withParser(options.parser ?? declaredParser ?? parserFor(options.path));
    const api = { j, jscodeshift: j, stats: () => undefined, report: () => undefined };
    const out = await transform({ path: options.path, source }, api, { ...options });
    return { output: typeof out === 'string' && out !== source ? out : null, entries: [], handlers: { native: 0, compat: 0 } };
  };
}

/** The parser a file gets when none is forced: TypeScript by extension, babel otherwise. */
export function parserFor(path: string): ParserName {
  const ext = extname(path);
  if (ext === '.tsx') return 'tsx';
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') return 'ts';
  return 'babel';
}
