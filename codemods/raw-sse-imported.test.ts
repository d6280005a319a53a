/**
 * A hand-written event stream defined in one module and registered by
 * another (`app.get('/api/stream', streamMessages)`), as in
 * fixtures/realtime: the defining module's handler and its request helper
 * are translated together, the app registers it natively, and the two apps
 * send the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { createServer, type RequestListener } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { loadApp, projectTrees } from './__testfixtures__/project-tree.js';

const { migratedCopy } = projectTrees('exw-raw-sse-');

const APP = [
  "const express = require('express');",
  "const streamMessages = require('./routes/stream');",
  'const app = express();',
  "app.disable('x-powered-by');",
  "app.get('/health', (req, res) => res.json({ ok: true }));",
  "app.get('/api/stream', streamMessages);",
  "app.use((req, res) => res.status(404).json({ error: 'not found' }));",
  'module.exports = app;',
  '',
].join('\n');

const STREAM = [
  "const hub = require('../lib/hub');",
  '',
  'function writeEvent(res, { id, event, data }) {',
  '  if (id !== undefined) res.write(`id: ${id}\\n`);',
  '  if (event) res.write(`event: ${event}\\n`);',
  '  res.write(`data: ${JSON.stringify(data)}\\n\\n`);',
  '}',
  '',
  'function resumeFrom(req) {',
  "  const raw = req.get('Last-Event-ID') ?? req.query.since;",
  '  const id = Number(raw);',
  '  return raw !== undefined && Number.isInteger(id) && id >= 0 ? id : undefined;',
  '}',
  '',
  'module.exports = function streamMessages(req, res) {',
  "  res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive' });",
  '  res.flushHeaders();',
  "  res.write('retry: 3000\\n\\n');",
  '  const after = resumeFrom(req);',
  "  if (after !== undefined) for (const m of hub.since(after)) writeEvent(res, { id: m.id, event: 'message', data: m });",
  "  const onMessage = (m) => writeEvent(res, { id: m.id, event: 'message', data: m });",
  "  hub.on('message', onMessage);",
  "  req.on('close', () => hub.off('message', onMessage));",
  '};',
  '',
].join('\n');

const HUB = [
  "const { EventEmitter } = require('node:events');",
  'const hub = new EventEmitter();',
  "hub.since = (after) => [{ id: 1, text: 'one' }, { id: 2, text: 'two' }].filter((m) => m.id > after);",
  'module.exports = hub;',
  '',
].join('\n');

/** Head (no Date, names lower-cased) and body bytes of one stream, after one published message; the client then leaves. */
async function streamOf(dir: string, target: string): Promise<string> {
  const app = loadApp(dir) as RequestListener;
  const hub = createRequire(join(dir, 'app.js'))('./lib/hub');
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const socket = connect((server.address() as { port: number }).port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => { received += chunk.toString('latin1'); });
    const until = async (text: string) => { while (!received.includes(text)) await new Promise((r) => setTimeout(r, 5)); };
    socket.write(`GET ${target} HTTP/1.1\r\nHost: test\r\n\r\n`);
    await until('retry: 3000');
    hub.emit('message', { id: 3, text: 'three' });
    await until('three');
    socket.destroy();
    while (hub.listenerCount('message') > 0) await new Promise((r) => setTimeout(r, 5));
    const [head, body] = received.split('\r\n\r\n', 2) as [string, string];
    return [...head.split('\r\n').filter((l) => !/^date:/i.test(l)).map((l) => l.replace(/^[^:]+:/, (n) => n.toLowerCase())), '', body].join('\n');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('a hand-written event stream imported from another module', () => {
  it('migrates natively with its request helper, and streams the same bytes', async () => {
    const { original, migrated, result, read } = await migratedCopy({ 'app.js': APP, 'routes/stream.js': STREAM, 'lib/hub.js': HUB });
    expect(result.handlers).toEqual({ native: 3, compat: 0 });
    const stream = read('routes/stream.js');
    expect(stream).toContain('module.exports = async function streamMessages(ctx)');
    expect(stream).toContain('function resumeFrom(ctx)');
    expect(stream).toContain("ctx.header('Last-Event-ID') ?? ctx.query.since");
    // The write-only helper keeps its signature: it gets the raw response.
    expect(stream).toContain('function writeEvent(res, { id, event, data })');
    expect(read('app.js')).toContain("app.get('/api/stream', streamMessages)");
    expect(read('app.js')).not.toContain('legacyApp');
    for (const [target, replayed] of [['/api/stream', false], ['/api/stream?since=1', true]] as const) {
      const expected = await streamOf(original, target);
      expect(expected).toContain('text/event-stream; charset=utf-8');
      expect(expected.includes('"text":"two"')).toBe(replayed);
      expect(await streamOf(migrated, target)).toBe(expected);
    }
  });

  it('stays on Express when the request helper is also used by the module itself', async () => {
    const shared = STREAM.replace('module.exports = function', "module.exports.cursor = (req, res) => res.json({ at: resumeFrom(req) });\nmodule.exports = function");
    const { result, read } = await migratedCopy({ 'app.js': APP, 'routes/stream.js': shared, 'lib/hub.js': HUB });
    expect(read('routes/stream.js')).toContain('function resumeFrom(req)');
    expect(read('app.js')).toContain("legacyApp.get('/api/stream', streamMessages)");
    expect(result.handlers).toEqual({ native: 2, compat: 1 });
  });
});
