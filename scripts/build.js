#!/usr/bin/env node
// Builds dist/ (scripts/lib/build-config.js says what goes in it), beside dist/ and swapped in
// at the end, so a server or test reading dist/ while a build runs never finds it half-written.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');
const { buildConfigs, copyStaticAssets } = require('./lib/build-config');

const root = path.resolve(__dirname, '..');
const finalDist = path.join(root, 'dist');
const dist = path.join(root, `.dist-build-${process.pid}`);

function swapIntoPlace() {
  const old = path.join(root, `.dist-old-${process.pid}`);
  if (fs.existsSync(finalDist)) fs.renameSync(finalDist, old);
  fs.renameSync(dist, finalDist);
  fs.rmSync(old, { recursive: true, force: true });
}

async function build() {
  fs.rmSync(dist, { recursive: true, force: true });
  for (const config of buildConfigs(root, dist)) await esbuild.build(config);
  copyStaticAssets(root, dist);
}

build()
  .then(swapIntoPlace)
  .catch((error) => {
    fs.rmSync(dist, { recursive: true, force: true });
    console.error(error.message);
    process.exit(1);
  });
