const express = require('express');
const app = express();

// A custom setting: Express code reads it back with app.get('title').
app.set('title', 'Field Notes');
app.set('json escape', true);

app.get('/title', (req, res) => {
  res.json({ title: req.app.get('title') });
});

module.exports = app;
