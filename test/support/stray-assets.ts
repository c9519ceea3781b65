/**
 * What ends up in an assets folder by accident (issue 17, item 5): a dotfile holding a secret, a
 * source map, an editor backup, a page nothing links to, and a symbolic link to the secret env
 * file. Each with the URL path twilio-run would give it; none may be published or served.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TEST_SECRET } from './env';

export interface StrayAsset {
  name: string;
  path: string;
  /** `envLocal`: the secret file the link points at (by default ../.env.local, as from assets/). */
  plant(dir: string, envLocal?: string): void;
}

export const STRAY_ASSETS: StrayAsset[] = [
  { name: '.env', path: '/.env', plant: (dir) => fs.writeFileSync(path.join(dir, '.env'), `API_SECRET=${TEST_SECRET}\n`) },
  {
    name: 'page.js.map',
    path: '/page.js.map',
    plant: (dir) => fs.writeFileSync(path.join(dir, 'page.js.map'), '{"version":3,"sources":["../lib/inspect/index.ts"]}'),
  },
  {
    name: 'index.html~',
    path: '/index.html~',
    plant: (dir) => fs.writeFileSync(path.join(dir, 'index.html~'), '<!doctype html><p>old</p>'),
  },
  {
    name: 'draft.html',
    path: '/draft.html',
    plant: (dir) => fs.writeFileSync(path.join(dir, 'draft.html'), '<!doctype html><p>draft</p>'),
  },
  // Relative, as `ln -s ../.env.local assets/config` makes it.
  {
    name: 'config',
    path: '/config',
    plant: (dir, envLocal = path.join(dir, '..', '.env.local')) => fs.symlinkSync(path.relative(dir, envLocal), path.join(dir, 'config')),
  },
];

export function plantStrays(dir: string, envLocal?: string): void {
  for (const stray of STRAY_ASSETS) stray.plant(dir, envLocal);
}

export function removeStrays(dir: string): void {
  for (const stray of STRAY_ASSETS) fs.rmSync(path.join(dir, stray.name), { force: true });
}
