const express = require('express');
const cookieParser = require('cookie-parser');
const session = require('express-session');

const app = express();

// One secret for both: cookie-parser signs the theme cookie, express-session the session id.
app.use(cookieParser(process.env.SECRET));
app.use(session({
  secret: process.env.SECRET,
  resave: false,
  saveUninitialized: false,
  cookie: { httpOnly: true, maxAge: 3600000 },
}));

app.post('/visit', (req, res) => {
  req.session.visits = (req.session.visits || 0) + 1;
  res.json({ visits: req.session.visits, theme: req.signedCookies.theme || 'light' });
});

app.post('/logout', (req, res, next) => {
  req.session.destroy((err) => {
    if (err) return next(err);
    res.status(204).end();
  });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

module.exports = app;
