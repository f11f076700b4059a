#!/usr/bin/env node
// The CLI runs the TypeScript sources directly (tsx), so it works right after `npm install`.
'use strict';
require('tsx/cjs');
const { main } = require('../src/main/cli/main.ts');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
