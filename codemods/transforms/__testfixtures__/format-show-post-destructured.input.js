const path = require('path');
const express = require('express');

const app = express();
app.set('view engine', 'ejs');
app.set('views', path.join(__dirname, '__testfixtures__', 'views'));
app.locals.siteName = 'Field Notes';

const posts = { first: { id: 1, title: 'First', body: 'Hello' } };

function loadPost(req, res, next) {
  const post = posts[req.params.slug];
  if (!post) return res.status(404).json({ error: `post ${req.params.slug} not found` });
  req.post = post;
  res.locals.locale = 'en';
  next();
}

// As in hard-cases (destructured): the post comes from middleware on req, and is rendered, sent as JSON or as text.
function showPost(req, res) {
  const { post } = req;
  res.format({
    'text/html': () => res.render('render-post', { post }),
    'application/json': () => res.json(post),
    'text/plain': () => res.send(`${post.title}\n\n${post.body}\n`),
  });
}

app.get('/posts/:slug', loadPost, showPost);

// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  res.status(err.status || 500).json({ error: err.message });
});

module.exports = app;
