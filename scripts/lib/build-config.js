// The esbuild configurations of dist/, shared by the one-shot build (scripts/build.js) and the
// edit loop (cli/dev.ts, npm run dev): each function bundled into one self-contained file
// (deployed functions are stored apart, so a relative require of lib/ would break; npm packages
// stay external and are installed by the runtime from package.json), the command-line tools,
// and the page's browser bundle. Static assets are copied as they are.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

/** The deploy runtime (.twilioserverlessrc `runtime: node22`); test/config/runtime.test.ts holds them together. */
const NODE_TARGET = 'node22';

const tsEntries = (/** @type {string} */ dir) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
        .map((f) => path.join(dir, f))
    : [];

/**
 * The browser token client (lib/token-client) as one ES module, handed to
 * functions/token-client.js.ts as `virtual:token-client` ({code, etag}), so that function file
 * stays self-contained. Bundled on each load, and its sources watched, so the edit loop sees changes.
 * @param {string} root
 * @returns {import('esbuild').Plugin}
 */
function tokenClientPlugin(root) {
  return {
    name: 'virtual-token-client',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^virtual:token-client$/ }, () => ({ path: 'token-client', namespace: 'virtual' }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'virtual' }, async () => {
        const { outputFiles, metafile } = await esbuild.build({
          entryPoints: [path.join(root, 'lib', 'token-client', 'index.ts')],
          bundle: true,
          write: false,
          metafile: true,
          platform: 'browser',
          format: 'esm',
          target: 'es2020',
          minify: true,
          legalComments: 'none',
          logLevel: 'silent',
        });
        const bundled = outputFiles[0];
        if (bundled === undefined) throw new Error('esbuild gave no output for lib/token-client');
        const code = `// Twilio Access Token client: see the README of this service, "The browser token client".\n${bundled.text}`;
        const etag = `"${crypto.createHash('sha256').update(code).digest('base64url').slice(0, 27)}"`;
        return {
          contents: `export default ${JSON.stringify({ code, etag })};`,
          loader: 'js',
          watchFiles: Object.keys(metafile.inputs).map((input) => path.resolve(root, input)),
        };
      });
    },
  };
}

/**
 * @param {string} root the project
 * @param {string} dist where to write (dist/, or a staging folder)
 * @returns {import('esbuild').BuildOptions[]}
 */
function buildConfigs(root, dist) {
  /** @type {import('esbuild').BuildOptions} */
  const node = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: NODE_TARGET,
    packages: 'external',
    logLevel: 'warning',
    legalComments: 'none',
  };
  const configs = [
    {
      ...node,
      entryPoints: tsEntries(path.join(root, 'functions')),
      outdir: path.join(dist, 'functions'),
      plugins: [tokenClientPlugin(root)],
    },
    { ...node, entryPoints: tsEntries(path.join(root, 'cli')), outdir: path.join(dist, 'cli') },
  ];
  const browserEntries = tsEntries(path.join(root, 'assets'));
  if (browserEntries.length > 0) {
    // The page: bundled with its imports, no Node built-ins allowed.
    configs.push({
      entryPoints: browserEntries,
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
  return configs.filter((config) => Array.isArray(config.entryPoints) && config.entryPoints.length > 0);
}

/**
 * Copies the static assets: TypeScript sources, the browser tsconfig (and folders holding
 * nothing else) stay behind, so nothing but what the page loads is uploaded.
 * @param {string} root
 * @param {string} dist
 */
function copyStaticAssets(root, dist) {
  const source = path.join(root, 'assets');
  if (!fs.existsSync(source)) return;
  const isStatic = (/** @type {string} */ file) => !file.endsWith('.ts') && path.basename(file) !== 'tsconfig.json';
  /** @type {(dir: string) => boolean} */
  const hasStatic = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? hasStatic(path.join(dir, e.name)) : isStatic(e.name)));
  fs.cpSync(source, path.join(dist, 'assets'), {
    recursive: true,
    filter: (src) => (fs.statSync(src).isDirectory() ? hasStatic(src) : isStatic(src)),
  });
}

module.exports = { NODE_TARGET, buildConfigs, copyStaticAssets, tokenClientPlugin };
