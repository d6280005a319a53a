const path = require('path');
const express = require('express');

const app = express();
app.set('view engine', 'ejs');
app.set('views', path.join(__dirname, '__testfixtures__', 'views'));
// Read by every rendered page.
app.locals.siteName = 'Field Notes';

app.use((req, res, next) => {
  res.locals.locale = req.query.lang === 'de' ? 'de' : 'en';
  next();
});

app.get('/', (req, res) => {
  res.render('page', { title: 'Home' });
});

app.get('/api/status', (req, res) => {
  res.json({ ok: true, locale: res.locals.locale });
});

app.get('/boom', (req, res) => {
  throw new Error('boom');
});

app.use('/api', (req, res, next) => {
  if (!req.get('x-key')) return res.status(401).json({ error: 'key' });
  next();
});

app.get('/about', (req, res) => {
  res.render('page', { title: 'About' });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  res.status(500);
  res.render('page', { title: err.message });
});

module.exports = app;
