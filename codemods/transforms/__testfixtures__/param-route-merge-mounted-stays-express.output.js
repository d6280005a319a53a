const express = require('express');
const { Router, Server } = require('expressway/runtime');
const { mountExpress, mountExpressRouter } = require('expressway/compat');
const comments = require('./comments');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

legacyApp.param('postId', (req, res, next, postId) => {
  req.postId = Number(postId);
  next();
});

// expressway-todo: req.postId is set outside migrated code
legacyApp.get('/posts/:postId', (req, res) => res.json({ id: req.postId }));

// A mount path with :postId: Express runs the callback for it too.
if (typeof comments === 'function')
  app.mount('/posts/{postId}/comments', new Router().requestMiddlewareAtMount(mountExpressRouter(comments)));
else
  app.mount('/posts/{postId}/comments', comments);

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
