'use strict';

const { limitRequests } = require('expressway/compat');

const { rateLimit } = require('express-rate-limit');

const common = { windowMs: 60 * 1000, standardHeaders: true };

// Defined here, registered by the app's modules.
exports.loginLimiter = limitRequests(rateLimit, { ...common, limit: 5, message: 'too many attempts' });
exports.searchLimiter = limitRequests(rateLimit);
