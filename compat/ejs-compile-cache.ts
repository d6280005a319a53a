/**
 * A compile cache for ejs views rendered by renderView while Express's
 * 'view cache' is off, that nobody can tell from ejs's own uncached path.
 *
 * Uncached, ejs reads the view and each include on every render and
 * compiles them (a `new Function` each), so an edited template shows on the
 * next request. Here every file is still read on every render, with the
 * module's own `ejs.fileLoader`, and include paths are still resolved (its
 * fs.existsSync) by ejs; only the compile is skipped, and only when the text
 * read now is byte-identical to the text the kept function was compiled from
 * and the compile options are identical (ejs's options from 'view options'
 * and the render data, and its module-level delimiters and localsName).
 * A compile depends on nothing else: the render data reach the function
 * only when it runs.
 *
 * How: ejs caches when `options.cache` is true, in `ejs.cache` (get/set by
 * file name, for the view and, through the options includes inherit, for
 * each include). For one synchronous engine call the app's ejs engine is
 * swapped for one that passes ejs the options its Express branch computes,
 * plus `cache: true`, and lends ejs a cache whose get() reads the file and
 * answers only a function compiled from that same text. On a miss ejs
 * compiles the very text get() read (the lent fileLoader hands it over, so
 * nothing can change between the comparison and the compile) and set()
 * keeps it. Everything is put back before ejs calls back, and before
 * app.render returns.
 *
 * While ejs.fileLoader is ejs's own (fs.readFileSync, by identity) the read
 * itself is answered from an in-memory copy of the file's text, with the
 * rules of runtime/static-cache.ts: a fresh fs.statSync on every read (so
 * once per file per render), the copy used only while it shows the same
 * device, inode, size, mtime and ctime as when the copy was read (ctime
 * changes on every write, rename onto the path and chmod, and utimes cannot
 * set it back), a file changed less than RACY_MS before the read is not
 * copied, and small files within a byte budget only. A failed stat or
 * anything but a regular file is read by ejs's own loader, so every error
 * is ejs's. A fileLoader the app set is called on every read, as ejs does.
 *
 * Only ejs versions whose internals this relies on were read (3.1.10), only
 * the ejs engine itself (the module's renderFile, by identity), and only
 * plain compile options: client, async, debug (logs each compile), includer
 * (may hand over a different template each time), context, scope or an
 * already true cache keep ejs's own path, as does anything unusual.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { CheckedCopies, isQuietSince, sameFile, type FileCacheOptions, type FileIdentity } from '../runtime/static-cache.js';
import { loadedModuleWhere } from './loaded-modules.js';

type Callback = (err: Error | null, html?: string) => void;
type Engine = (this: unknown, file: string, data: object, cb: Callback) => unknown;
type FileLoader = (file: string) => { toString(): string };

/** What this file uses of the ejs module (ejs/lib/ejs.js exports). */
interface EjsModule {
  renderFile: (this: unknown, file: string, data: object, opts: object, cb: Callback) => unknown;
  __express: unknown;
  VERSION: unknown;
  cache: unknown;
  fileLoader: FileLoader;
  openDelimiter?: unknown;
  closeDelimiter?: unknown;
  delimiter?: unknown;
  localsName?: unknown;
}

/** The ejs releases whose renderFile, handleCache and includeFile were read for this. */
const VERIFIED_EJS = new Set(['3.1.10']);

/** ejs's _OPTS_PASSABLE_WITH_DATA_EXPRESS (3.1.10): what renderFile takes from the render data. */
const PASSABLE_WITH_DATA = ['delimiter', 'scope', 'context', 'debug', 'compileDebug', 'client', '_with', 'rmWhitespace', 'strict', 'filename', 'async', 'cache'];

/** Options under which a kept function would not behave as a fresh compile: ejs's own path. */
const NOT_CACHEABLE = ['client', 'async', 'debug', 'cache', 'scope'];
const MUST_BE_UNSET = ['includer', 'context'];

/** Every other option ejs's Template reads, so the whole compile input is in the key. */
const COMPILE_OPTIONS = ['escape', 'escapeFunction', 'compileDebug', 'openDelimiter', 'closeDelimiter', 'delimiter', 'strict', 'rmWhitespace', 'root', 'outputFunctionName', 'localsName', 'views', 'destructuredLocals', 'legacyInclude', '_with'];
const MODULE_OPTIONS = ['openDelimiter', 'closeDelimiter', 'delimiter', 'localsName'] as const;

const BOM = /^\uFEFF/;
const MAX_OPTION_SETS = 32;
const MAX_FILES_PER_SET = 1000;
/** Bytes of view text copies kept in all (the oldest copy goes first); each file at most MAX_CACHED_FILE. */
export const VIEW_COPY_BUDGET = 8 * 1024 * 1024;

/**
 * Runs `render` (a call of app.render) with each engine in `engines` (the
 * app's `app.engines`) that is a verified ejs's renderFile swapped for its
 * caching counterpart, and puts them back afterwards.
 */
export function withEjsCompileCache<T>(engines: Record<string, unknown>, render: () => T): T {
  let swapped: Array<[string, Engine, Engine]> | undefined;
  for (const ext of Object.keys(engines)) {
    const engine = engines[ext];
    if (typeof engine !== 'function') continue;
    const caching = cachingEngineFor(engine as Engine);
    if (caching === undefined) continue;
    (swapped ??= []).push([ext, engine as Engine, caching]);
    engines[ext] = caching;
  }
  if (swapped === undefined) return render();
  try {
    return render();
  } finally {
    for (const [ext, engine, caching] of swapped) if (engines[ext] === caching) engines[ext] = engine;
  }
}

const cachingEngines = new WeakMap<Engine, Engine | null>();

function cachingEngineFor(engine: Engine): Engine | undefined {
  let found = cachingEngines.get(engine);
  if (found === undefined) {
    const ejs = ejsModuleOf(engine);
    found = ejs === undefined ? null : cachingEngine(ejs, engine);
    cachingEngines.set(engine, found);
  }
  return found ?? undefined;
}

/** The loaded ejs module whose renderFile (= __express) `engine` is, when it is a verified release with plain, writable cache and fileLoader. */
function ejsModuleOf(engine: Engine): EjsModule | undefined {
  const ejs = loadedModuleWhere((e: Partial<EjsModule>) => e.renderFile === engine && e.__express === engine)?.exports as EjsModule | undefined;
  if (ejs === undefined || !VERIFIED_EJS.has(ejs.VERSION as string) || !isPlainWritable(ejs, 'cache') || !isPlainWritable(ejs, 'fileLoader')) return undefined;
  return ejs;
}

function isPlainWritable(o: object, name: string): boolean {
  const d = Object.getOwnPropertyDescriptor(o, name);
  return d !== undefined && 'value' in d && d.writable === true;
}

function cachingEngine(ejs: EjsModule, renderFile: Engine): Engine {
  const caching = function (this: unknown, file: string, data: object, cb: Callback): unknown {
    // The View that calls keeps ejs's own function, as Express gave it (a cached View would otherwise keep this one).
    if (this !== null && typeof this === 'object' && (this as { engine?: unknown }).engine === caching) (this as { engine: unknown }).engine = renderFile;
    if (arguments.length !== 3 || typeof file !== 'string' || typeof cb !== 'function' || data === null || typeof data !== 'object') {
      return renderFile.apply(this, arguments as unknown as Parameters<Engine>);
    }
    const opts = expressBranchOptions(file, data as Record<string, unknown>);
    // A render started from inside a template (a helper calling app.render) runs as ejs's own, under the lent state.
    const files = lent.has(ejs) ? undefined : compiledFilesFor(ejs, opts);
    if (files === undefined) return renderFile.call(this, file, data, cb);
    opts.cache = true;
    const giveBack = files.lendTo(ejs);
    try {
      return (renderFile as unknown as EjsModule['renderFile']).call(this, file, data, opts, function (this: unknown) {
        giveBack();
        return (cb as (...args: unknown[]) => unknown).apply(this, arguments as unknown as unknown[]);
      });
    } finally {
      giveBack();
    }
  } as Engine;
  return caching;
}

/**
 * The options ejs's renderFile builds when Express calls it (file, data,
 * callback): 'views', 'view cache' and 'view options' from data.settings,
 * then the passable names from the data, then the file name.
 */
function expressBranchOptions(file: string, data: Record<string, unknown>): Record<string, unknown> {
  const opts: Record<string, unknown> = { filename: file };
  const settings = data.settings as Record<string, unknown> | undefined;
  if (settings) {
    if (settings.views) opts.views = settings.views;
    if (settings['view cache']) opts.cache = true;
    const viewOpts = settings['view options'];
    if (viewOpts) shallowCopy(opts, viewOpts);
  }
  for (const name of PASSABLE_WITH_DATA) {
    if (typeof data[name] !== 'undefined' && Object.prototype.hasOwnProperty.call(data, name)) opts[name] = data[name];
  }
  opts.filename = file;
  return opts;
}

/** ejs's utils.shallowCopy: own enumerable names, never __proto__ or constructor. */
function shallowCopy(to: Record<string, unknown>, from: unknown): void {
  const source = from as Record<string, unknown>;
  for (const name in source) {
    if (!Object.prototype.hasOwnProperty.call(source, name) || name === '__proto__' || name === 'constructor') continue;
    to[name] = source[name];
  }
}

const optionSets = new WeakMap<EjsModule, Map<string, CompiledFiles>>();
/** The ejs modules that hold a lent cache and fileLoader right now. */
const lent = new WeakSet<EjsModule>();

/** The kept functions for exactly these compile options, or undefined when they are not plain enough to key. */
function compiledFilesFor(ejs: EjsModule, opts: Record<string, unknown>): CompiledFiles | undefined {
  const key = optionsKey(ejs, opts);
  if (key === undefined) return undefined;
  let sets = optionSets.get(ejs);
  if (sets === undefined) optionSets.set(ejs, (sets = new Map()));
  let files = sets.get(key);
  if (files === undefined) {
    // Options carried by render data could vary without end: keep the newest sets only.
    if (sets.size >= MAX_OPTION_SETS) sets.delete(sets.keys().next().value!);
    sets.set(key, (files = new CompiledFiles()));
  }
  return files;
}

function optionsKey(ejs: EjsModule, opts: Record<string, unknown>): string | undefined {
  for (const name of NOT_CACHEABLE) if (opts[name]) return undefined;
  for (const name of MUST_BE_UNSET) if (opts[name] !== undefined) return undefined;
  const parts: string[] = [];
  for (const name of COMPILE_OPTIONS) {
    const part = encode(opts[name]);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  for (const name of MODULE_OPTIONS) {
    const part = encode(ejs[name]);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  return parts.join(',');
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;

function identityOf(o: object): number {
  let id = identities.get(o);
  if (id === undefined) identities.set(o, (id = ++nextIdentity));
  return id;
}

/**
 * One option value as an exact key part: primitives by type and value,
 * functions by identity, arrays of primitives by identity (a kept function
 * holds the very array, e.g. 'views') and content. Anything else: no key.
 */
function encode(value: unknown): string | undefined {
  switch (typeof value) {
    case 'undefined':
      return 'u';
    case 'boolean':
      return value ? 't' : 'f';
    case 'number':
      return 'n' + (Object.is(value, -0) ? '-0' : String(value));
    case 'string':
      return 's' + JSON.stringify(value);
    case 'function':
      return 'F' + identityOf(value);
    case 'object':
      if (value === null) return 'N';
      if (!Array.isArray(value)) return undefined;
      return encodeArray(value);
    default:
      return undefined;
  }
}

function encodeArray(array: unknown[]): string | undefined {
  const parts: string[] = [];
  for (const item of array) {
    if (item !== null && (typeof item === 'object' || typeof item === 'function')) return undefined;
    parts.push(encode(item)!);
  }
  return 'A' + identityOf(array) + '[' + parts.join(',') + ']';
}

interface Compiled {
  text: string;
  fn: unknown;
}

/** A miss: the text get() read, which ejs's next fileLoader call receives and set() keeps the function under. */
interface Miss {
  file: string;
  loaded: string;
  text: string;
  handedOver: boolean;
}

/**
 * The functions compiled under one set of options, by file name, each
 * with the text it was compiled from. Lent to ejs as `ejs.cache` and
 * `ejs.fileLoader` for one synchronous render.
 */
class CompiledFiles {
  private readonly byFile = new Map<string, Compiled>();
  private loader: FileLoader | undefined;
  private miss: Miss | undefined;
  private readonly cache = {
    get: (file: string) => this.get(file),
    set: (file: string, fn: unknown) => this.set(file, fn),
  };
  private readonly fileLoader = (file: string) => this.load(file);

  /** Puts this in ejs's place; the function returned puts ejs's own back (once). */
  lendTo(ejs: EjsModule): () => void {
    const ownCache = ejs.cache;
    const ownLoader = ejs.fileLoader;
    this.loader = ownLoader;
    ejs.cache = this.cache;
    ejs.fileLoader = this.fileLoader;
    lent.add(ejs);
    let lending = true;
    return () => {
      if (!lending) return;
      lending = false;
      lent.delete(ejs);
      ejs.cache = ownCache;
      ejs.fileLoader = ownLoader;
      this.loader = undefined;
      this.miss = undefined;
    };
  }

  /** ejs's handleCache asks first: read the file as ejs would, and answer only a function compiled from this very text. */
  private get(file: string): unknown {
    const loader = this.loader!;
    const loaded = loader === readFileSync ? viewCopies.read(file, loader) : loader(file).toString();
    const text = loaded.replace(BOM, '');
    const kept = this.byFile.get(file);
    if (kept !== undefined && kept.text === text) return kept.fn;
    this.miss = { file, loaded, text, handedOver: false };
    return undefined;
  }

  /** After a miss ejs reads the file: it gets what get() read, so it compiles the text that was compared. */
  private load(file: string): { toString(): string } {
    const miss = this.miss;
    if (miss !== undefined && miss.file === file && !miss.handedOver) {
      miss.handedOver = true;
      return miss.loaded;
    }
    return this.loader!(file);
  }

  /** ejs compiled the text load() handed over: keep the function under that text. */
  private set(file: string, fn: unknown): void {
    const miss = this.miss;
    this.miss = undefined;
    if (miss === undefined || miss.file !== file || !miss.handedOver) return;
    if (this.byFile.size >= MAX_FILES_PER_SET && !this.byFile.has(file)) this.byFile.clear();
    this.byFile.set(file, { text: miss.text, fn });
  }
}

interface TextCopy extends FileIdentity {
  text: string;
}

/**
 * Checked in-memory copies of view and include texts, for reads through
 * ejs's own fileLoader (see the top of this file for the rules).
 */
export class ViewCopies {
  private readonly copies: CheckedCopies<TextCopy>;

  constructor(options: FileCacheOptions = {}) {
    this.copies = new CheckedCopies(options, VIEW_COPY_BUDGET);
  }

  /** The text of `file` as `readOwn` (ejs's own fileLoader) would give it, from a copy while the file is unchanged. */
  read(file: string, readOwn: FileLoader): string {
    const stat = statOf(file);
    if (stat === undefined || !stat.isFile()) return readOwn(file).toString(); // ejs's own read, and its own error
    const copy = this.copies.lookup(file, stat);
    if (copy !== undefined) return copy.text;
    const quietSince = Date.now() - this.copies.racyMs;
    const body = readOwn(file);
    const text = body.toString();
    if (this.copies.fits(stat) && isQuietSince(stat, quietSince) && Buffer.isBuffer(body) && body.length === stat.size && isUnchanged(file, stat)) {
      this.copies.keep(file, { text, dev: stat.dev, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs });
    }
    return text;
  }

  /** Whether a copy of `file` is kept now. */
  has(file: string): boolean {
    return this.copies.has(file);
  }
}

let viewCopies = new ViewCopies();

/** Puts `copies` in use for every later render (tests pass their own racyMs); returns the copies used until now. */
export function useViewCopies(copies: ViewCopies): ViewCopies {
  const previous = viewCopies;
  viewCopies = copies;
  return previous;
}

function statOf(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** The file did not change while it was read: a second stat still shows `before`. */
function isUnchanged(file: string, before: Stats): boolean {
  const after = statOf(file);
  return after !== undefined && after.isFile() && sameFile(before, after);
}
