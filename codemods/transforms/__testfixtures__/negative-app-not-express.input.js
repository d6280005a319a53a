const createApp = require('./framework');

const app = createApp();

app.get('/users', (req, res) => {
  res.json([]);
});

module.exports = app;
