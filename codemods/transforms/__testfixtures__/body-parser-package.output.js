const express = require('express');
const { Server, formBody, jsonBody } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const bodyParser = require('body-parser');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(jsonBody());
app.requestMiddleware(formBody({ extended: true }));

app.post('/form', async (ctx) => ctx.json(ctx.requestBody));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
