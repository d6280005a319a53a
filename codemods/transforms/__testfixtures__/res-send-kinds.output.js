const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/html', async (ctx) => {
  ctx.html('<h1>Hello</h1>');
});

app.get('/object', async (ctx) => {
  ctx.json({ hello: 'world' });
});

app.get('/buffer', async (ctx) => {
  ctx.bytes(Buffer.from('raw'));
});

app.get('/template', async (ctx) => {
  ctx.html(`<p>${ctx.query.name}</p>`);
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
