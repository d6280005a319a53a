const express = require('express');
const { Server, jsonBody } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(jsonBody());

// One path, two methods.
app.get('/books', async (ctx) => {
    ctx.json([]);
  });

app.post('/books', async (ctx) => {
    ctx.json(ctx.requestBody, 201);
  });

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
