const express = require('express');
const { Server, jsonBody } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server(
  { middlewareOrder: 'registration', malformedPath: 'express', autoOptions: 'express4' }
);

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it where they were registered
const legacyApp = express();

// expressway-todo: routes on legacyApp2 stay on Express until migrated; app mounts it last
const legacyApp2 = express();

app.requestMiddleware(jsonBody());

// Streamed with res.write: stays on Express. Public: registered before the token check.
// expressway-todo: res.write streams the response
legacyApp.get('/stream', (req, res) => {
  res.write('a');
  res.end('b');
});

app.requestMiddleware(mountExpress(legacyApp, { finalHandler: 'runtime' }));

app.get('/public', async (ctx) => ctx.json({ public: true }));

// Every route below needs a token, and so does any unknown path.
app.requestMiddleware(async function requireToken(ctx) {
  if (ctx.header('authorization') !== 'token') {
    ctx.json({ error: 'token required' }, 401);
    ctx.abort();
  }
});

app.get('/items', async (ctx) => ctx.json([{ id: 1 }]));

// expressway-todo: res.write streams the response
legacyApp2.get('/export', (req, res) => {
  res.write('x,y\n');
  res.end('1,2\n');
});

app.requestMiddleware(mountExpress(legacyApp2));

module.exports = app.handler;
