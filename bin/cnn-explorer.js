#!/usr/bin/env node
// The CLI's entry: the bundled program, built by `npm install` (prepare) or `npm run build`.
require('../dist/cli.js');
