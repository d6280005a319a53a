const path = require('path');
const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ jsonSpaces: 2 });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// Only res.render reads these: they stay with the routes left on Express.
legacyApp.set('view engine', 'ejs');
legacyApp.set('views', path.join(__dirname, 'views'));
legacyApp.set('json spaces', 2);

// expressway-todo: res.render needs the Express view engine
legacyApp.get('/', (req, res) => {
  res.render('index', { title: 'home' });
});

app.get('/api/status', async (ctx) => {
  ctx.json({ up: true });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
