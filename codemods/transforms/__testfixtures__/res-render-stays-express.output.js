const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// expressway-todo: res.render needs the Express view engine
legacyApp.get('/page', (req, res) => {
  res.render('page', { title: 'Hi' });
});

app.get('/data', async (ctx) => ctx.json({ ok: true }));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
