/**
 * Deployed Functions run the Node of .twilioserverlessrc (`runtime: node22`); the tests run on that
 * Node too (the `node` devDependency puts Node 22 first on npm scripts' PATH), and the bundles,
 * `engines` and @types/node target it. One number, five places: they must agree.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

/** .twilioserverlessrc is JSON5 as twilio-run reads it: parsed with twilio-run's own json5. */
function serverlessRc(): { runtime?: string } {
  const twilioRun = path.dirname(require.resolve('twilio-run/package.json'));
  const json5 = require(require.resolve('json5', { paths: [twilioRun] })) as { parse(text: string): unknown };
  return json5.parse(read('.twilioserverlessrc')) as { runtime?: string };
}

test('the deploy runtime, the Node running these tests, engines, esbuild targets and @types/node name one major version', () => {
  const runtime = serverlessRc().runtime;
  expect(runtime).toMatch(/^node\d+$/);
  const major = Number(runtime!.slice('node'.length));
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; devDependencies: Record<string, string> };
  expect({
    tests: Number(process.versions.node.split('.')[0]),
    engines: pkg.engines.node,
    typesNode: Number(/\d+/.exec(pkg.devDependencies['@types/node']!)![0]),
    nodeBinary: Number(/\d+/.exec(pkg.devDependencies.node!)![0]),
    buildTarget: /const NODE_TARGET = 'node(\d+)'/.exec(read('scripts/lib/build-config.js'))?.[1],
    benchTarget: /target: 'node(\d+)'/.exec(read('scripts/bench.js'))?.[1],
  }).toEqual({
    tests: major,
    engines: `${major}.x`,
    typesNode: major,
    nodeBinary: major,
    buildTarget: String(major),
    benchTarget: String(major),
  });
});

/**
 * npm 11 warns about dependencies whose install scripts `allowScripts` does not cover, and a
 * later npm blocks them (`npm ci --strict-allow-scripts` already does; .ci/run installs that way).
 * The `node` package's preinstall is what installs Node 22 for the scripts: it must stay allowed.
 */
describe('allowScripts in package.json (issue 19)', () => {
  const pkg = JSON.parse(read('package.json')) as { allowScripts?: Record<string, boolean> };
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { hasInstallScript?: boolean }> };
  const withScripts = Object.entries(lock.packages)
    .filter(([, entry]) => entry.hasInstallScript === true)
    .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length));

  test('every locked package with an install script is allowed or denied by name, and none is listed that has none', () => {
    expect(withScripts.length).toBeGreaterThan(0);
    expect(Object.keys(pkg.allowScripts ?? {}).sort()).toEqual([...new Set(withScripts)].sort());
  });

  test("the ones the toolchain needs run: node's preinstall (Node 22 for every script), esbuild's and @swc/core's binary checks", () => {
    expect(pkg.allowScripts).toMatchObject({ node: true, esbuild: true, '@swc/core': true });
  });
});
