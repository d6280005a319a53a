/** Express 5 (installed as the `express5` npm alias; it has the same API types as far as this app goes). */
import type express from 'express';
import { startExpressPeer } from './express-app.js';

const express5 = ((await import('express5' as string)) as { default: typeof express }).default;
startExpressPeer(express5);
