const express = require('express');
const posts = require('./posts');

const app = express();

// Loads the post once per request, also when next('route') moves on.
app.param('postId', (req, res, next, idOrSlug) => {
  const post = posts.find(idOrSlug);
  if (!post) return res.status(404).json({ error: `post ${idOrSlug} not found` });
  req.post = post;
  next();
});

function hideDrafts(req, res, next) {
  // Drafts are answered by the next route.
  if (req.post.draft && req.query.preview !== 'secret') return next('route');
  next();
}

function showPost(req, res) {
  res.json(req.post);
}

// Published posts.
app.get('/posts/:postId', hideDrafts, showPost);

// Drafts without the preview token.
app.get('/posts/:postId', (req, res) => {
  res.status(404).json({ error: 'post not published', id: req.post.id });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

module.exports = app;
