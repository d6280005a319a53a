/**
 * File header.
 */
'use strict';

const express = require('express'); // the framework

const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// --- routes ---

/* block comment before a route */
app.get('/a', async (ctx) => {
  // inside the handler
  const value = 1; /* inline */
  ctx.json({ value }); // trailing
});

app.requestMiddleware(mountExpress(legacyApp));

// end of file
module.exports = app.handler;
