const express = require('express');
const { Server, formBody, jsonBody, serveStatic } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const path = require('path');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(jsonBody({ limit: '100kb' }));
app.requestMiddleware(formBody({ extended: false }));
app.requestMiddleware(serveStatic(path.join(__dirname, 'public'), { maxAge: '1d' }));
app.requestMiddleware('/assets', serveStatic('assets', { prefix: '/assets' }));

app.post('/echo', async (ctx) => ctx.json(ctx.requestBody));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
