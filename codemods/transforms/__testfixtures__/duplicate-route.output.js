const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

app.get('/users/{id}', async (ctx) => ctx.json({ first: true }));

// Unreachable in Express without next(): the first one always answers.
// expressway-todo: same method and path as an earlier route (Express reaches it only through next())
legacyApp.get('/users/:userId', (req, res) => res.json({ second: true }));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
