const express = require('express');
// expressway-todo: app stays on Express: Express-only settings or app.locals would serve routes in different legacy apps (middleware between them)
const app = express();

app.set('view engine', 'ejs');

app.get('/a', (req, res) => res.render('a'));

// Runs for /b only: /a and /b would need two legacy apps, and only one can keep the view settings.
app.use((req, res, next) => {
  res.set('x-after', 'yes');
  next();
});

app.get('/b', (req, res) => res.render('b'));

module.exports = app;
