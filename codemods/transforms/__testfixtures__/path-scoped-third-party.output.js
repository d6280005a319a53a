const express = require('express');
const { Server } = require('expressway/runtime');
const { corsPolicy, mountExpress } = require('expressway/compat');
const cors = require('cors');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware('/api', corsPolicy(cors, { origin: 'https://example.com' }, { path: '/api' }));

app.get('/api/items', async (ctx) => ctx.json([]));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
