const path = require('path');
const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

legacyApp.set('view engine', 'ejs');
legacyApp.set('views', path.join(__dirname, 'views'));

// The caller handles the HTML and the error itself.
// expressway-todo: res.render with a callback (the caller handles the HTML or the error)
legacyApp.get('/callback', (req, res, next) => {
  res.render('page', { title: 'x' }, (err, html) => {
    if (err) return next(err);
    res.send(html.toUpperCase());
  });
});

// With an asynchronous engine Express runs the next line before the page is sent.
// expressway-todo: code follows res.render()
legacyApp.get('/after', (req, res) => {
  res.render('page', { title: 'x' });
  console.log('rendering');
});

function done(err, html) {
  return html;
}

// A function as the second argument is Express's callback.
// expressway-todo: res.render with locals that may be a callback at run time
legacyApp.get('/named-callback', (req, res) => {
  res.render('page', done);
});

app.get('/ok', async (ctx) => ctx.json({ ok: true }));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
