const express = require('express');
const app = express();

app.use((req, res, next) => {
  res.set('X-Powered', 'expressway');
  next();
});

app.get('/', (req, res) => res.send('home'));

module.exports = app;
