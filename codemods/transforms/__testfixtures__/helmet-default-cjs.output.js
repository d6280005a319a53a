'use strict';

const express = require('express');
const { Server } = require('expressway/runtime');
const { fixedHeaders, mountExpress } = require('expressway/compat');
const helmet = require('helmet');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

legacyApp.disable('x-powered-by');

// Security headers on every answer, Express's own 404 page included.
app.requestMiddleware(fixedHeaders(helmet()));

app.get('/health', async (ctx) => {
  ctx.json({ ok: true });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
