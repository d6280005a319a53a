const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/users/{userId}/posts/{postId}', async (ctx) => {
  ctx.json({ user: ctx.params.userId, post: ctx.params.postId });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
