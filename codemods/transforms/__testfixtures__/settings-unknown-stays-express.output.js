const express = require('express');
// expressway-todo: app stays on Express: app setting "json spaces" has no runtime counterpart
const app = express();

app.set('json spaces', 2);

app.get('/', (req, res) => res.json({ pretty: true }));

module.exports = app;
