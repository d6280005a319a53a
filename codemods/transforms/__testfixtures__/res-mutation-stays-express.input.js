const express = require('express');
const app = express();

app.use((req, res, next) => {
  res.on('finish', () => console.log(res.getHeader('content-type')));
  next();
});

app.get('/', (req, res) => res.json({}));

module.exports = app;
