const express = require('express');
const { Server } = require('expressway/runtime');
const { fromExpress, mountExpress } = require('expressway/compat');
const cors = require('cors');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// The per-request delegate reads the Express request (req.hostname): it stays on fromExpress.
app.requestMiddleware(
  fromExpress(cors((req, callback) => {
    callback(null, { origin: req.hostname.endsWith('.internal') });
  })),
);

app.get('/status', async (ctx) => ctx.json({ up: true }));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
