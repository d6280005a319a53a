const express = require('express');
const registerRoutes = require('./routes');

// expressway-todo: app stays on Express: app is passed to other code
const app = express();
registerRoutes(app);

app.get('/', (req, res) => res.json({}));

module.exports = app;
