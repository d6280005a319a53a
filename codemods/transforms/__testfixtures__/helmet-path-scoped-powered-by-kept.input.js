const express = require('express');
const helmet = require('helmet');

const app = express();

// Only the admin pages get helmet: other answers keep Express's X-Powered-By.
app.use('/admin', helmet());

app.get('/admin/panel', (req, res) => res.json({ admin: true }));

app.get('/padded', (req, res) => {
  res.jsonp({ padded: true });
});

module.exports = app;
