const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// Stays on Express (res.render) and, in Express, wins over /users/:id below.
// expressway-todo: res.render needs the Express view engine
legacyApp.get('/users/new', (req, res) => res.render('new-user'));

// expressway-todo: an earlier route that stays on Express matches the same requests (Express tried it first)
legacyApp.get('/users/:id', (req, res) => res.json({ id: req.params.id }));

app.get('/posts/{id}', async (ctx) => ctx.json({ post: ctx.params.id }));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
