#!/usr/bin/env node
// Command-line entry point: the same server code as the VS Code extension, from the esbuild bundle.
'use strict';
const path = require('path');
const fs = require('fs');
const bundle = path.join(__dirname, '..', 'dist', 'server.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write(`kernel-mm-lens: ${bundle} is missing; run "npm run build" (or "npm start") first.\n`);
  process.exit(2);
}
require(bundle)
  .main(process.argv.slice(2))
  .then(
    (code) => {
      if (typeof code === 'number') process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`kernel-mm-lens: ${(err && err.stack) || err}\n`);
      process.exitCode = 2;
    },
  );
