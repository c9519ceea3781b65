// The esbuild configurations of dist/, shared by the one-shot build (scripts/build.js) and the
// edit loop (cli/dev.ts, npm run dev): each function bundled into one self-contained file
// (deployed functions are stored apart, so a relative require of lib/ would break; npm packages
// stay external and are installed by the runtime from package.json), the command-line tools,
// and the page's browser bundle. Static assets are copied as they are, and only those the page
// references: the local server and the deploy gate publish by the same rule (pageAssets).
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** The deploy runtime (.twilioserverlessrc `runtime: node22`); test/config/runtime.test.ts holds them together. */
const NODE_TARGET = 'node22';

const isEntry = (/** @type {string} */ file) => file.endsWith('.ts') && !file.endsWith('.d.ts');

const tsEntries = (/** @type {string} */ dir) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter(isEntry)
        .map((f) => path.join(dir, f))
    : [];

/**
 * The function files, in subfolders too: twilio-run serves functions/video-app/token.js at
 * /video-app/token, and the build keeps the folders (outbase).
 * @param {string} dir
 * @returns {string[]}
 */
const functionEntries = (dir) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter(isEntry)
        .sort()
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
        // Required here: the local server and the deploy gate load this file for pageAssets alone.
        const esbuild = /** @type {typeof import('esbuild')} */ (require('esbuild'));
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
        const code = `// Twilio Access Token client: see docs/token-client.md of this service.\n${bundled.text}`;
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
      entryPoints: functionEntries(path.join(root, 'functions')),
      outbase: path.join(root, 'functions'),
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

/** The page: what is published starts from it. */
const PAGE = 'index.html';

/**
 * Why a file of an assets folder may never be published, whatever links to it: a dotfile (.env,
 * an editor's swap file), a source map, an editor backup, or a symbolic link (its target may be
 * anywhere: `ln -s ../.env.local assets/config` published the whole secret file). Undefined: it may.
 * @param {string} dir the assets folder
 * @param {string} rel the file, relative to it, with / separators
 * @returns {string | undefined}
 */
function assetRefusal(dir, rel) {
  const parts = rel.split('/');
  if (parts.some((part) => part.startsWith('.'))) return 'a dotfile, never published';
  const name = parts[parts.length - 1] ?? '';
  if (name.endsWith('.map')) return 'a source map, never published';
  if (/~$|^#.*#$|\.(bak|orig|rej|swp|swo|tmp|old)$/i.test(name)) return 'an editor backup or temporary file, never published';
  for (let i = 1; i <= parts.length; i++) {
    let stat;
    try {
      stat = fs.lstatSync(path.join(dir, ...parts.slice(0, i)));
    } catch {
      return 'missing';
    }
    if (stat.isSymbolicLink()) return 'a symbolic link (its target may be outside the folder), never published';
  }
  return undefined;
}

/**
 * The references of a page or a style sheet to other files of the site: src and href attributes,
 * CSS url() and import rules. Other origins, data: URLs and fragments are not files of the site.
 * @param {string} text
 * @param {'html' | 'css'} kind
 * @returns {string[]}
 */
function referencesIn(text, kind) {
  const patterns =
    kind === 'html'
      ? [/\b(?:src|href)\s*=\s*"([^"]*)"/gi, /\b(?:src|href)\s*=\s*'([^']*)'/gi]
      : [/url\(\s*"([^"]*)"\s*\)/gi, /url\(\s*'([^']*)'\s*\)/gi, /url\(\s*([^'")\s]+)\s*\)/gi, /@import\s+["']([^"']+)["']/gi];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1] ?? ''));
}

/**
 * The files of an assets folder the page uses: index.html and what it references, followed
 * through HTML and CSS, less what may never be published (assetRefusal). Paths relative to the
 * folder, / separators. The build copies these, the local server serves these, and the deploy
 * gate refuses any other file twilio-run would upload.
 * @param {string} dir assets/ (the sources) or dist/assets (what is served and deployed)
 * @returns {Set<string>}
 */
function pageAssets(dir) {
  /** @type {Set<string>} */
  const published = new Set();
  const queue = [PAGE];
  for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) {
    if (published.has(rel) || assetRefusal(dir, rel) !== undefined) continue;
    const file = path.join(dir, ...rel.split('/'));
    if (!fs.statSync(file).isFile()) continue;
    published.add(rel);
    const kind = rel.endsWith('.html') ? 'html' : rel.endsWith('.css') ? 'css' : undefined;
    if (kind === undefined) continue;
    for (const reference of referencesIn(fs.readFileSync(file, 'utf8'), kind)) {
      const target = resolveReference(rel, reference);
      if (target !== undefined) queue.push(target);
    }
  }
  return published;
}

/**
 * A reference made from `from` as a path in the folder, or undefined when it is not a file of
 * the site or climbs out of it.
 * @param {string} from
 * @param {string} reference
 * @returns {string | undefined}
 */
function resolveReference(from, reference) {
  const bare = reference.trim().split(/[?#]/)[0] ?? '';
  if (bare === '' || /^[a-z][a-z0-9+.-]*:/i.test(bare) || bare.startsWith('//')) return undefined;
  let decoded;
  try {
    decoded = decodeURIComponent(bare);
  } catch {
    return undefined;
  }
  const joined = decoded.startsWith('/') ? decoded : path.posix.join(path.posix.dirname(from), decoded);
  const normal = path.posix.normalize(joined).replace(/^\/+/, '');
  return normal === '' || normal === '..' || normal.startsWith('../') ? undefined : normal;
}

/**
 * Copies the static files the page references (pageAssets of assets/); TypeScript sources are
 * bundled instead, and anything else (a .env, a source map, an editor backup, a link out of the
 * folder) stays behind.
 * @param {string} root
 * @param {string} dist
 */
function copyStaticAssets(root, dist) {
  const source = path.join(root, 'assets');
  if (!fs.existsSync(source)) return;
  for (const rel of pageAssets(source)) {
    const target = path.join(dist, 'assets', ...rel.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(source, ...rel.split('/')), target);
  }
}

module.exports = { NODE_TARGET, assetRefusal, buildConfigs, copyStaticAssets, pageAssets, tokenClientPlugin };
