const express = require('express');
const comments = require('./comments');

const app = express();

app.param('postId', (req, res, next, postId) => {
  req.postId = Number(postId);
  next();
});

app.get('/posts/:postId', (req, res) => res.json({ id: req.postId }));

// A mount path with :postId: Express runs the callback for it too.
app.use('/posts/:postId/comments', comments);

module.exports = app;
