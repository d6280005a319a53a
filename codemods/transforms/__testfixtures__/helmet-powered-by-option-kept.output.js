const express = require('express');
const { Server } = require('expressway/runtime');
const { fixedHeaders, mountExpress } = require('expressway/compat');
const helmet = require('helmet');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// helmet leaves X-Powered-By alone here: Express's answers keep it.
app.requestMiddleware(fixedHeaders(helmet({ xPoweredBy: false, hsts: { maxAge: 600 } })));

app.get('/ok', async (ctx) => ctx.json({ ok: true }));

// expressway-todo: res.jsonp has no runtime counterpart
legacyApp.get('/padded', (req, res) => {
  res.jsonp({ padded: true });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
