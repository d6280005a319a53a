const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ trustProxy: true, malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

legacyApp.set('trust proxy', true);
legacyApp.disable('x-powered-by');

app.get('/ip', async (ctx) => ctx.json({ ip: ctx.ip }));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
