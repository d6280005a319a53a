const path = require('path');
const express = require('express');

const app = express();
app.set('view engine', 'ejs');
app.set('views', path.join(__dirname, '__testfixtures__', 'views'));
// Rendered pages carry no ETag, so they are never answered 304.
app.disable('etag');

app.get('/', (req, res) => {
  res.locals.locale = 'en';
  res.render('page', { title: 'Home', siteName: 'Notes' });
});

module.exports = app;
