const express = require('express');
const app = express();

app.disable('x-powered-by');
app.set('json spaces', process.env.NODE_ENV === 'development' ? 2 : 0);
app.enable('strict routing');
app.set('query parser', 'simple');

app.get('/item', (req, res) => {
  res.json({ id: 1, tags: ['a'], q: req.query.q });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

module.exports = app;
