#!/usr/bin/env node
// Builds dist/: each function bundled into one self-contained file (deployed functions are
// stored apart, so a relative require of lib/ would break); npm packages stay external and are
// installed by the runtime from package.json. Assets are copied as they are.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const finalDist = path.join(root, 'dist');
// Build beside dist/ and swap it in at the end, so a server or test reading dist/ while a
// build runs never finds it half-written or missing.
const dist = path.join(root, `.dist-build-${process.pid}`);

function swapIntoPlace() {
  const old = path.join(root, `.dist-old-${process.pid}`);
  if (fs.existsSync(finalDist)) fs.renameSync(finalDist, old);
  fs.renameSync(dist, finalDist);
  fs.rmSync(old, { recursive: true, force: true });
}

/**
 * The browser token client (lib/token-client) as one ES module, and a plugin that hands it to
 * functions/token-client.js.ts as `virtual:token-client` ({code, etag}): the function file stays
 * self-contained, as deployed functions must be.
 */
async function tokenClientPlugin() {
  const { outputFiles } = await esbuild.build({
    entryPoints: [path.join(root, 'lib', 'token-client', 'index.ts')],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const bundled = outputFiles[0];
  if (bundled === undefined) throw new Error('esbuild gave no output for lib/token-client');
  const code = `// Twilio Access Token client: see the README of this service, "The browser token client".\n${bundled.text}`;
  const etag = `"${require('node:crypto').createHash('sha256').update(code).digest('base64url').slice(0, 27)}"`;
  /** @type {import('esbuild').Plugin} */
  const plugin = {
    name: 'virtual-token-client',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^virtual:token-client$/ }, () => ({ path: 'token-client', namespace: 'virtual' }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'virtual' }, () => ({
        contents: `export default ${JSON.stringify({ code, etag })};`,
        loader: 'js',
      }));
    },
  };
  return plugin;
}

async function build() {
  fs.rmSync(dist, { recursive: true, force: true });
  const functionsDir = path.join(root, 'functions');
  const entryPoints = fs
    .readdirSync(functionsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(functionsDir, f));
  await esbuild.build({
    entryPoints,
    plugins: [await tokenClientPlugin()],
    outdir: path.join(dist, 'functions'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    legalComments: 'none',
  });
  const cliDir = path.join(root, 'cli');
  if (fs.existsSync(cliDir)) {
    // Command-line tools (inspect, doctor): same core, bundled the same way.
    await esbuild.build({
      entryPoints: fs
        .readdirSync(cliDir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => path.join(cliDir, f)),
      outdir: path.join(dist, 'cli'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    });
  }
  // Copy static assets; TypeScript sources (and folders holding nothing else) stay behind.
  /** @type {(dir: string) => boolean} */
  const hasNonTs = (dir) =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .some((e) => (e.isDirectory() ? hasNonTs(path.join(dir, e.name)) : !e.name.endsWith('.ts')));
  fs.cpSync(path.join(root, 'assets'), path.join(dist, 'assets'), {
    recursive: true,
    filter: (src) => (fs.statSync(src).isDirectory() ? hasNonTs(src) : !src.endsWith('.ts')),
  });
  const browserEntries = fs.existsSync(path.join(root, 'assets'))
    ? fs.readdirSync(path.join(root, 'assets')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    : [];
  if (browserEntries.length > 0) {
    // Browser code (the page): bundled with its imports, no Node built-ins allowed.
    await esbuild.build({
      entryPoints: browserEntries.map((f) => path.join(root, 'assets', f)),
      outdir: path.join(dist, 'assets'),
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2020',
      minify: true,
      logLevel: 'warning',
      legalComments: 'none',
    });
  }
}

build()
  .then(swapIntoPlace)
  .catch((error) => {
    fs.rmSync(dist, { recursive: true, force: true });
    console.error(error.message);
    process.exit(1);
  });
