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
