const path = require('path');
const express = require('express');
const app = express();

app.set('view engine', 'ejs');
app.set('views', path.join(__dirname, 'views'));

app.get('/boom', (req, res) => {
  throw new Error('boom');
});

// Another error handler follows: a render error here would reach it, not the final handler.
// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  res.status(err.status || 500).render('error', { message: err.message });
});

// Without a default, a client accepting neither gets a 406 from Express's final handler.
// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  res.status(500).format({
    json: () => res.json({ error: err.message }),
  });
});

module.exports = app;
