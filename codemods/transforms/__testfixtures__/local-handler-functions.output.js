const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

async function listUsers(ctx) {
  ctx.json([]);
}

const showUser = async (ctx) => {
  ctx.json({ id: ctx.params.id });
};

app.get('/users', listUsers);
app.get('/users/{id}', showUser);

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
