const express = require('express');
const { Server } = require('expressway/runtime');
const { accessLog, corsPolicy, fixedHeaders, mountExpress } = require('expressway/compat');
const cors = require('cors');
const helmet = require('helmet');
const morgan = require('morgan');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

legacyApp.disable('x-powered-by');
app.requestMiddleware(corsPolicy(cors));
app.requestMiddleware(fixedHeaders(helmet()));
app.requestMiddleware(accessLog(morgan, 'dev'));

app.get('/', async (ctx) => ctx.json({ ok: true }));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
