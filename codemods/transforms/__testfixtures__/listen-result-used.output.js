const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const http = require('node:http');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/', async (ctx) => ctx.html('hi'));

app.requestMiddleware(mountExpress(legacyApp));

const server = http.createServer(app.handler).listen(3000, '127.0.0.1');
process.on('SIGTERM', () => server.close());
