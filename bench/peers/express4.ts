/** Express 4 (the `express` package). */
import express from 'express';
import { startExpressPeer } from './express-app.js';

startExpressPeer(express);
