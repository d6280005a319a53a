/**
 * File header.
 */
'use strict';

const { Server } = require('expressway/runtime'); // the framework

const app = new Server();

// --- routes ---

/* block comment before a route */
app.get('/a', async (ctx) => {
  // inside the handler
  const value = 1; /* inline */
  ctx.json({ value }); // trailing
});

// end of file
module.exports = app.handler;
