/**
 * The engine must run unchanged in a browser (the page of the next issue). Bundled by esbuild
 * for platform "browser" it must build with no Node built-in, pick jose's WebCrypto build,
 * and inspect a token in a sandbox that has only browser globals (no require, process, Buffer).
 */
import path from 'node:path';
import vm from 'node:vm';
import { build, type BuildFailure } from 'esbuild';
import { REAL_LOOKING, TEST_SECRET } from '../support/env';
import { twilioToken } from './support';

const root = path.resolve(__dirname, '..', '..');

async function bundleForBrowser(entry: string) {
  return build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'TokenInspector',
    target: 'es2020',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
  });
}

describe('lib/inspect in a browser', () => {
  test('bundles for the browser with no Node built-in and jose from its browser build', async () => {
    const result = await bundleForBrowser('lib/inspect/index.ts');
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((file) => file.startsWith('node_modules/jose/'))).not.toHaveLength(0);
    expect(inputs.filter((file) => file.startsWith('node_modules/jose/') && !file.startsWith('node_modules/jose/dist/browser/'))).toEqual(
      [],
    );
    expect(inputs.filter((file) => /^node:|^(crypto|buffer|fs|path|util)$/.test(file))).toEqual([]);
    // Only the engine's own modules, the browser-safe parts of lib/ it reuses, and jose.
    const reused = [
      'lib/demo.ts',
      'lib/errors.ts',
      'lib/text.ts',
      'lib/config/origins.ts',
      'lib/config/schema.ts',
      'lib/config/service.ts',
      'lib/config/read.ts',
      'lib/doctor/vars.ts',
    ];
    // lib/products: each product's grant check lives in its module, with its other rules.
    const own = (file: string): boolean =>
      file.startsWith('node_modules/jose/') ||
      file.startsWith('lib/inspect/') ||
      file.startsWith('lib/twilio/') ||
      file.startsWith('lib/products/');
    expect(inputs.filter((file) => !own(file) && !reused.includes(file))).toEqual([]);
    expect(inputs).toContain('lib/inspect/signature.ts');
  });

  test('the printer is browser-safe too', async () => {
    const result = await bundleForBrowser('lib/inspect/print.ts');
    expect(result.errors).toEqual([]);
  });

  test('the check can fail: a module importing node:crypto does not bundle for the browser', async () => {
    const failure = (await bundleForBrowser('lib/token/mint.ts').catch((error: BuildFailure) => error)) as BuildFailure;
    expect(failure.errors?.map((e) => e.text)).toContain('Could not resolve "node:crypto"');
  });

  test('the bundle inspects a token in a sandbox with browser globals only, verifying the signature with WebCrypto', async () => {
    const { outputFiles } = await bundleForBrowser('lib/inspect/index.ts');
    const sandbox: Record<string, unknown> = {
      TextEncoder,
      TextDecoder,
      atob,
      crypto: globalThis.crypto,
      CryptoKey: globalThis.CryptoKey,
      // One realm for byte arrays: jose checks `key instanceof Uint8Array`.
      Uint8Array,
      ArrayBuffer,
    };
    vm.createContext(sandbox);
    vm.runInContext(outputFiles[0]!.text, sandbox);
    expect(vm.runInContext('typeof require + typeof process + typeof Buffer', sandbox)).toBe('undefinedundefinedundefined');

    const inspector = sandbox.TokenInspector as typeof import('../../lib/inspect');
    const good = await inspector.inspectToken(twilioToken(), {
      expect: { accountSid: REAL_LOOKING.ACCOUNT_SID, apiKey: REAL_LOOKING.API_KEY, secret: TEST_SECRET },
    });
    expect(JSON.parse(JSON.stringify(good))).toMatchObject({ valid: true, signature: 'valid', findings: [], identity: 'alice' });

    const forged = await inspector.inspectToken(twilioToken({ secret: 'ffffffffffffffffffffffffffffffff' }), {
      expect: { secret: TEST_SECRET },
    });
    expect(forged.signature).toBe('invalid');
    expect(forged.findings.map((f) => f.code)).toEqual([20107]);
  });
});
