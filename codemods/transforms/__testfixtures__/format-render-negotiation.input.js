const path = require('path');
const express = require('express');

const app = express();
app.set('view engine', 'ejs');
app.set('views', path.join(__dirname, '__testfixtures__', 'views'));
// The final handler's page says "Internal Server Error" instead of a stack trace.
app.set('env', 'production');
app.locals.siteName = 'Field Notes';

const posts = { 1: { id: 1, title: 'First <post>', body: 'Hello & welcome' } };

app.use((req, res, next) => {
  res.locals.locale = req.query.lang === 'de' ? 'de' : 'en';
  next();
});

function showPost(req, res) {
  const post = posts[req.params.id];
  if (!post) return res.status(404).json({ error: 'no such post' });
  res.format({
    'text/html': () => res.render('render-post', { post }),
    'application/json': () => res.json(post),
    'text/plain': () => res.send(`${post.title}\n\n${post.body}\n`),
  });
}

app.get('/posts/:id', showPost);

// A view that fails to render: the error goes to the error handler, as next(err) did.
app.get('/broken', (req, res) => {
  res.render('render-broken');
});

// The error handler's own view fails for this one: Express's final handler answers.
app.get('/worse', (req, res, next) => {
  next(Object.assign(new Error('worse'), { status: 418 }));
});

app.use((req, res) => {
  res.status(404);
  res.format({
    html: () => res.render('render-not-found', { path: req.path }),
    default: () => res.json({ error: 'not found' }),
  });
});

// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  const status = err.status || 500;
  const message = status < 500 ? err.message : 'Something went wrong';
  res.status(status);
  res.format({
    html: () => res.render('render-error', { status, message, detail: status === 418 ? undefined : { hint: 'try again' } }),
    default: () => res.json({ error: message }),
  });
});

module.exports = app;
