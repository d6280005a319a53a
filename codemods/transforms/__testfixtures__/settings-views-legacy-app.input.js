const path = require('path');
const express = require('express');
const app = express();

// Only res.render reads these: they stay with the routes left on Express.
app.set('view engine', 'ejs');
app.set('views', path.join(__dirname, 'views'));
app.set('json spaces', 2);

app.get('/', (req, res) => {
  res.render('index', { title: 'home' });
});

app.get('/api/status', (req, res) => {
  res.json({ up: true });
});

module.exports = app;
