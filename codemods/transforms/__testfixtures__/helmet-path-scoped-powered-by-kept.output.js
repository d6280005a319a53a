const express = require('express');
const { Server } = require('expressway/runtime');
const { fixedHeaders, mountExpress } = require('expressway/compat');
const helmet = require('helmet');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// Only the admin pages get helmet: other answers keep Express's X-Powered-By.
app.requestMiddleware('/admin', fixedHeaders(helmet(), { path: '/admin' }));

app.get('/admin/panel', async (ctx) => ctx.json({ admin: true }));

// expressway-todo: res.jsonp has no runtime counterpart
legacyApp.get('/padded', (req, res) => {
  res.jsonp({ padded: true });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
