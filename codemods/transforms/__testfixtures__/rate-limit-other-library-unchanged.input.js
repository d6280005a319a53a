'use strict';

const rateLimit = require('./lib/rate-limit');

// A local module named like the package: not express-rate-limit, the file stays as it is.
module.exports = rateLimit({ windowMs: 1000, limit: 5 });
