const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

app.get('/old', async (ctx) => {
  ctx.redirect('/new');
});

app.get('/moved', async (ctx) => {
  ctx.redirect('/permanent', { status: 301 });
});

// expressway-todo: res.redirect("back") reads the Referer header
legacyApp.get('/back', (req, res) => {
  res.redirect('back');
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
