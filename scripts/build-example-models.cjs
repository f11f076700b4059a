#!/usr/bin/env node
// Trains the reservoir models the example patches play (examples/models/*.axrm) when missing or
// older than the training code. Runs after build-kernels on install, before tests and the app.
require('tsx/cjs');
const { buildExampleModels } = require('../src/main/reservoir/example-models.ts');
buildExampleModels((line) => process.stdout.write(`build-example-models: ${line}\n`));
