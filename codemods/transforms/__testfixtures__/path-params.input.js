const express = require('express');
const app = express();

app.get('/users/:userId/posts/:postId', (req, res) => {
  res.json({ user: req.params.userId, post: req.params.postId });
});

module.exports = app;
