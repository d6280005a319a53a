const express = require('express');
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
