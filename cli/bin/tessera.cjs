#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), resolving the monorepo's @tessera/* path aliases.
const path = require('node:path');

process.env.TSX_TSCONFIG_PATH ??= path.join(__dirname, '..', '..', 'tsconfig.json');
require('tsx/cjs');
require('../src/main.ts');
