const express = require('express');

const { Router, Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

const api = new Router();

api.get('/ping', async (ctx) => ctx.html('pong'));

app.mount('/api', api);

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
