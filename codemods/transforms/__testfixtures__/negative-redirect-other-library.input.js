const { redirect } = require('./router-lib');

function handle(req, res) {
  return res.redirect('/login');
}

module.exports = { handle, go: () => redirect('/home') };
