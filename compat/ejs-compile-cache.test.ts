/**
 * The ejs compile cache behind renderView, side by side with Express's
 * res.render on the same views (real ejs, real Express, view cache off):
 * the same bytes for every request, edits and deletions seen on the next
 * request, locals-carried and module-level compile options honoured, ejs's
 * own state given back, and other engines left alone; and the checked
 * in-memory copies of view texts read through ejs's own fileLoader.
 */
import { mkdtempSync, mkdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ejs from 'ejs';
import express4 from 'express';
import express5 from 'express5';
import request from 'supertest';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Server } from '../runtime/index.js';
import { RACY_MS } from '../runtime/static-cache.js';
import { useViewCopies, ViewCopies } from './ejs-compile-cache.js';
import { renderView, type ViewApp } from './index.js';

type Express = typeof express4;
type App = ReturnType<Express>;

const root = mkdtempSync(join(tmpdir(), 'exw-ejs-cache-'));
let views = '';
let dirs = 0;

/** A fresh views folder per test: page.ejs with two includes, and a few more views. */
function writeViews(): void {
  views = join(root, String(++dirs));
  mkdirSync(join(views, 'partials'), { recursive: true });
  writeFileSync(join(views, 'partials/header.ejs'), '<header><%= title %> · <%= site %></header>\n');
  writeFileSync(join(views, 'partials/footer.ejs'), '<footer>&copy; <%= site %></footer>\n');
  writeFileSync(join(views, 'page.ejs'), "<%- include('partials/header', { title: 'Page' }) %>\n<ul><% items.forEach(function (i) { %><li><%= i %></li><% }) %></ul>\n<%- include('partials/footer') %>\n");
  writeFileSync(join(views, 'marks.ejs'), '<p><%= who %></p> <p><?= who ?></p>\n   <i>  indented  </i>   \n');
}

const ownCache = ejs.cache;
const ownLoader = ejs.fileLoader;
const ownCompile = ejs.compile;
let compiles: string[] = [];

beforeEach(() => {
  writeViews();
  compiles = [];
  // Counts the compiles ejs makes (handleCache calls exports.compile), to see which side compiled what.
  ejs.compile = function (template: string, opts?: ejs.Options) {
    compiles.push(String(opts?.filename));
    return ownCompile.call(this, template, opts as ejs.Options);
  } as typeof ejs.compile;
});

afterEach(() => {
  ejs.compile = ownCompile;
  ejs.fileLoader = ownLoader;
  ejs.delimiter = undefined;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function viewApp(express: Express, configure: (app: App) => void): App {
  const app = express();
  app.set('view engine', 'ejs');
  app.set('views', views);
  app.locals.site = 'Notes';
  configure(app);
  return app;
}

/** Locals for a request: ?opt=delimiter:? carries a compile option in the render data, as res.render(view, { delimiter }) does. */
function localsOf(query: Record<string, unknown>): Record<string, unknown> {
  const locals: Record<string, unknown> = { items: ['a', '<b>'], who: 'Ann & Bo' };
  for (const pair of String(query.opt ?? '').split(',').filter(Boolean)) {
    const [name, value] = pair.split(':') as [string, string];
    locals[name] = value === 'true' ? true : value;
  }
  return locals;
}

/** Express's res.render, and renderView on a runtime route, over the same views and settings. */
function pair(express: Express, configure: (app: App) => void = () => {}) {
  const original = viewApp(express, configure);
  original.get('/:view', (req, res) => res.render(req.params.view!, localsOf(req.query)));
  original.use((err: Error, req: any, res: any, next: any) => {
    res.status(500).json({ error: err.message });
  });
  const legacy = viewApp(express, configure);
  const server = new Server();
  server.get('/{view}', async (ctx) => {
    await renderView(legacy as unknown as ViewApp, ctx, ctx.params.view, localsOf(ctx.query));
  });
  server.panicHook((ctx, err) => ctx.json({ error: (err as Error).message }, 500));
  return { apps: [original, server.handler] as const, legacy };
}

/** GET on both; the answers must be equal (the ETag too, unless an error: the runtime sends none with JSON). */
async function same(apps: readonly [unknown, unknown], path: string) {
  const out = [];
  const compiled: string[][] = [];
  for (const app of apps) {
    compiles = [];
    const res = await request(app as Parameters<typeof request>[0]).get(path);
    out.push({ status: res.status, type: res.headers['content-type'], etag: res.status === 200 ? res.headers.etag : null, text: res.text });
    compiled.push(compiles);
  }
  expect(out[1]).toEqual(out[0]);
  return { ...out[0]!, compiledByExpress: compiled[0]!.length, compiledByRenderView: compiled[1]!.length };
}

/** Express registers the ejs engine on an app's first render (View loads it): the cache serves from the second on. */
async function warm(apps: readonly [unknown, unknown], path: string) {
  await same(apps, path);
  return same(apps, path);
}

describe.each([
  ['Express 4', express4],
  ['Express 5', express5 as unknown as Express],
])('ejs compile cache with %s', (_name, express) => {
  it('answers the same bytes, and compiles the view and its includes only once', async () => {
    const { apps } = pair(express);
    const first = await warm(apps, '/page');
    expect(first.text).toContain('<li>&lt;b&gt;</li>');
    expect(first.compiledByRenderView).toBe(3);
    for (let i = 0; i < 3; i++) {
      const again = await same(apps, '/page');
      expect(again.text).toBe(first.text);
      expect(again.compiledByExpress).toBe(3);
      expect(again.compiledByRenderView).toBe(0);
    }
  });

  it('shows an edited view and an edited include on the next request', async () => {
    const { apps } = pair(express);
    await warm(apps, '/page');
    writeFileSync(join(views, 'page.ejs'), "<%- include('partials/header', { title: 'Edited' }) %>\n<%- include('partials/footer') %>\n");
    const edited = await same(apps, '/page');
    expect(edited.text).toContain('Edited');
    expect(edited.compiledByRenderView).toBe(1);
    // Same length and same second: a check on size or mtime alone would miss this edit.
    writeFileSync(join(views, 'partials/footer.ejs'), '<footer>&reg; <%= site %></footer>\n');
    const include = await same(apps, '/page');
    expect(include.text).toContain('&reg; Notes');
    expect(include.compiledByRenderView).toBe(1);
    writeFileSync(join(views, 'partials/footer.ejs'), '<footer>&copy; <%= site %></footer>\n');
    expect((await same(apps, '/page')).text).toContain('&copy; Notes');
  });

  it('keeps compile options carried by the locals apart (delimiter, rmWhitespace)', async () => {
    const { apps } = pair(express);
    const plain = await warm(apps, '/marks');
    const question = await same(apps, '/marks?opt=delimiter:?');
    const trimmed = await same(apps, '/marks?opt=rmWhitespace:true');
    expect(new Set([plain.text, question.text, trimmed.text]).size).toBe(3);
    expect(question.text).toContain('<p>Ann &amp; Bo</p>');
    for (const path of ['/marks', '/marks?opt=delimiter:?', '/marks?opt=rmWhitespace:true']) {
      const again = await same(apps, path);
      expect(again.compiledByRenderView).toBe(0);
    }
  });

  it("follows 'view options' and ejs's module-level delimiter", async () => {
    const { apps, legacy } = pair(express, (app) => app.set('view options', { delimiter: '?' }));
    expect((await same(apps, '/marks')).text).toContain('<p><%= who %></p> <p>Ann &amp; Bo</p>');
    expect(legacy.get('view options')).toEqual({ delimiter: '?' });
    const { apps: moduleLevel } = pair(express);
    await warm(moduleLevel, '/marks');
    ejs.delimiter = '?';
    const changed = await same(moduleLevel, '/marks');
    expect(changed.text).toContain('<p><%= who %></p>');
    expect(changed.compiledByRenderView).toBe(1);
  });

  it('fails like Express for a deleted view and a deleted include', async () => {
    const { apps } = pair(express);
    await warm(apps, '/page');
    rmSync(join(views, 'partials/footer.ejs'));
    const include = await same(apps, '/page');
    expect(include.status).toBe(500);
    expect(include.text).toContain('Could not find the include file');
    rmSync(join(views, 'page.ejs'));
    const view = await same(apps, '/page');
    expect(view.text).toContain('Failed to lookup view');
  });

  it('reads through a fileLoader the app set on ejs, as often as ejs does', async () => {
    const { apps } = pair(express);
    const reads: string[][] = [[], []];
    for (const [i, app] of apps.entries()) {
      ejs.fileLoader = (file: string) => {
        reads[i]!.push(file);
        return readFileSync(file, 'utf8').replace('<ul>', '<ol>');
      };
      await request(app as Parameters<typeof request>[0]).get('/page');
      await request(app as Parameters<typeof request>[0]).get('/page');
    }
    expect(reads[1]).toEqual(reads[0]);
    expect((await same(apps, '/page')).text).toContain('<ol>');
  });

  it("gives ejs's cache, fileLoader and the app's engine back", async () => {
    const { apps, legacy } = pair(express);
    await same(apps, '/page');
    expect(ejs.cache).toBe(ownCache);
    expect(ejs.fileLoader).toBe(ownLoader);
    expect((legacy as unknown as { engines: Record<string, unknown> }).engines['.ejs']).toBe(ejs.renderFile);
  });

  it("leaves options it cannot key, and the view cache, to ejs's own path", async () => {
    const { apps } = pair(express);
    expect((await warm(apps, '/page?opt=compileDebug:false')).compiledByRenderView).toBe(3);
    expect((await same(apps, '/page?opt=compileDebug:false')).compiledByRenderView).toBe(0);
    await same(apps, '/marks?opt=client:true');
    expect((await same(apps, '/marks?opt=client:true')).compiledByRenderView).toBe(1);
    const { apps: cached } = pair(express, (app) => app.enable('view cache'));
    ejs.clearCache();
    const first = await same(cached, '/page');
    expect(first.compiledByExpress).toBe(3);
    expect(first.compiledByRenderView).toBe(0);
    ejs.clearCache();
  });
});

describe('a render started from inside a template', () => {
  it('runs as ejs renders it, and the outer render still answers the same', async () => {
    writeFileSync(join(views, 'outer.ejs'), '<main><%- inner() %></main>\n');
    const inner = (app: App) => () => {
      let html = '';
      // Express 4 calls back synchronously: a helper can render a view into the page.
      app.render('partials/footer', { site: 'Inner' }, (err, out) => {
        if (err) throw err;
        html = out!;
      });
      return html;
    };
    const { apps } = pair(express4, (app) => {
      app.locals.inner = inner(app);
    });
    const first = await warm(apps, '/outer');
    expect(first.text).toBe('<main><footer>&copy; Inner</footer>\n</main>\n');
    expect((await same(apps, '/outer')).compiledByRenderView).toBe(1);
    expect(ejs.cache).toBe(ownCache);
    expect(ejs.fileLoader).toBe(ownLoader);
  });
});

describe('another engine', () => {
  it('is called as registered, every time', async () => {
    let calls = 0;
    const engine = (file: string, opts: Record<string, unknown>, cb: (err: Error | null, html?: string) => void) => {
      calls++;
      cb(null, readFileSync(file, 'utf8').replace('NAME', String(opts.who)));
    };
    writeFileSync(join(views, 'card.tpl'), '<b>NAME</b>');
    const { apps, legacy } = pair(express4, (app) => {
      app.engine('tpl', engine);
      app.set('view engine', 'tpl');
    });
    for (let i = 0; i < 2; i++) expect((await same(apps, '/card')).text).toBe('<b>Ann & Bo</b>');
    expect(calls).toBe(4);
    expect((legacy as unknown as { engines: Record<string, unknown> }).engines['.tpl']).toBe(engine);
  });
});

/**
 * Waits until the file system clock has moved past `file`'s ctime, so that
 * the next change of it gets a new ctime (clocks are coarse: 1-4 ms on Linux).
 * The copies under test take racyMs: 0, which trusts a file the moment it
 * was written; this stands in for the quiet time RACY_MS gives real apps.
 */
async function pastCtimeOf(file: string): Promise<void> {
  const probe = join(root, 'clock-probe');
  const ctime = statSync(file).ctimeMs;
  for (;;) {
    writeFileSync(probe, '');
    if (statSync(probe).ctimeMs > ctime) return;
    await sleep(1);
  }
}

describe.each([
  ['Express 4', express4],
  ['Express 5', express5 as unknown as Express],
])("view text copies (ejs's own fileLoader) with %s", (_name, express) => {
  let copies: ViewCopies;
  let before: ViewCopies;
  beforeEach(() => {
    copies = new ViewCopies({ racyMs: 0 });
    before = useViewCopies(copies);
  });
  afterEach(() => {
    useViewCopies(before);
  });

  const page = () => join(views, 'page.ejs');
  const footer = () => join(views, 'partials/footer.ejs');

  it('answers from copies, and shows an edited view and an edited include on the next request', async () => {
    const { apps } = pair(express);
    const first = await warm(apps, '/page');
    expect(copies.has(page())).toBe(true);
    expect(copies.has(footer())).toBe(true);
    expect((await same(apps, '/page')).text).toBe(first.text);
    await pastCtimeOf(page());
    writeFileSync(page(), "<%- include('partials/header', { title: 'Edited' }) %>\n<%- include('partials/footer') %>\n");
    const edited = await same(apps, '/page');
    expect(edited.text).toContain('Edited');
    expect(edited.compiledByRenderView).toBe(1);
    await pastCtimeOf(footer());
    writeFileSync(footer(), '<footer>&trade; <%= site %></footer>\n');
    expect((await same(apps, '/page')).text).toContain('&trade; Notes');
  });

  it('sees an edit that keeps the size and sets the mtime back (ctime moves)', async () => {
    const { apps } = pair(express);
    const second = 1_700_000_000; // a whole second, which utimes sets exactly
    utimesSync(footer(), second, second);
    await warm(apps, '/page');
    const old = statSync(footer());
    await pastCtimeOf(footer());
    writeFileSync(footer(), '<footer>&#174; <%= site %></footer>\n');
    utimesSync(footer(), second, second);
    const now = statSync(footer());
    expect([now.size, now.mtimeMs]).toEqual([old.size, old.mtimeMs]);
    expect(now.ctimeMs).not.toBe(old.ctimeMs);
    expect((await same(apps, '/page')).text).toContain('&#174; Notes');
  });

  it('sees a file renamed onto the path', async () => {
    const { apps } = pair(express);
    await warm(apps, '/page');
    const next = join(views, 'footer.next');
    writeFileSync(next, '<footer>&#169; <%= site %></footer>\n');
    renameSync(next, footer());
    expect((await same(apps, '/page')).text).toContain('&#169; Notes');
    writeFileSync(next, "<%- include('partials/footer') %>\n");
    renameSync(next, page());
    const replaced = await same(apps, '/page');
    expect(replaced.text).toBe('<footer>&#169; Notes</footer>\n\n');
  });

  it('fails like Express for a deleted include and view, and for an include that is not a file', async () => {
    const { apps } = pair(express);
    await warm(apps, '/page');
    expect(copies.has(footer())).toBe(true);
    rmSync(footer());
    const include = await same(apps, '/page');
    expect(include.status).toBe(500);
    expect(include.text).toContain('Could not find the include file');
    mkdirSync(footer());
    const folder = await same(apps, '/page');
    expect(folder.status).toBe(500);
    expect(folder.text).toContain('EISDIR');
    rmSync(page());
    expect((await same(apps, '/page')).text).toContain('Failed to lookup view');
  });

  it('reads through a fileLoader the app set on ejs on every render, and copies nothing', async () => {
    const { apps } = pair(express);
    await warm(apps, '/page');
    const reads: string[][] = [[], []];
    for (const [i, app] of apps.entries()) {
      ejs.fileLoader = (file: string) => {
        reads[i]!.push(file);
        return readFileSync(file, 'utf8').replace('<ul>', '<ol>');
      };
      for (let n = 0; n < 3; n++) expect((await request(app as Parameters<typeof request>[0]).get('/page')).text).toContain('<ol>');
    }
    expect(reads[0]).toHaveLength(9);
    expect(reads[1]).toEqual(reads[0]);
  });

  it('copies no file changed less than racyMs before it is read: it is read from disk each time', async () => {
    useViewCopies(new ViewCopies({ racyMs: RACY_MS }));
    const { apps } = pair(express);
    for (let n = 0; n < 3; n++) await same(apps, '/page');
    const racy = useViewCopies(copies);
    expect(racy.has(page())).toBe(false);
    expect(racy.has(footer())).toBe(false);
  });
});

describe('view text copies, bounds', () => {
  it('keeps no file over maxFile, and drops the oldest copy past the budget', () => {
    const dir = join(root, 'bounds');
    mkdirSync(dir, { recursive: true });
    const file = (name: string, size: number) => {
      writeFileSync(join(dir, name), 'x'.repeat(size));
      return join(dir, name);
    };
    const copies = new ViewCopies({ racyMs: 0, maxFile: 100, budget: 250 });
    const [big, a, b, c] = [file('big', 101), file('a', 100), file('b', 100), file('c', 100)];
    expect(copies.read(big, readFileSync)).toBe('x'.repeat(101));
    expect(copies.has(big)).toBe(false);
    for (const f of [a, b, c]) expect(copies.read(f, readFileSync)).toBe('x'.repeat(100));
    expect([a, b, c].map((f) => copies.has(f))).toEqual([false, true, true]);
  });
});
