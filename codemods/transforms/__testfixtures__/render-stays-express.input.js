const path = require('path');
const express = require('express');
const app = express();

app.set('view engine', 'ejs');
app.set('views', path.join(__dirname, 'views'));

// The caller handles the HTML and the error itself.
app.get('/callback', (req, res, next) => {
  res.render('page', { title: 'x' }, (err, html) => {
    if (err) return next(err);
    res.send(html.toUpperCase());
  });
});

// With an asynchronous engine Express runs the next line before the page is sent.
app.get('/after', (req, res) => {
  res.render('page', { title: 'x' });
  console.log('rendering');
});

function done(err, html) {
  return html;
}

// A function as the second argument is Express's callback.
app.get('/named-callback', (req, res) => {
  res.render('page', done);
});

app.get('/ok', (req, res) => res.json({ ok: true }));

module.exports = app;
