/**
 * How hard a shared secret is to guess, by zxcvbn-ts (the maintained port of Dropbox's
 * estimator: dictionaries, keyboard patterns, dates, l33t), against floors that make guessing
 * hopeless. Only the doctor (and so the deploy gate) loads it: the dictionaries stay out of the
 * function bundles, which check for the trivially weak only (lib/config/strength.ts).
 */
import { randomBytes } from 'node:crypto';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

export interface StrengthRule {
  /** log2 of the guesses an attacker needs. */
  minBits: number;
  /** Why that floor. */
  reason: string;
  /** Random bytes in a generated example (shown base64url-encoded). */
  exampleBytes: number;
}

export const STRENGTH_RULES: Readonly<Record<'APP_PASSCODE' | 'AUTH_JWT_SECRET', StrengthRule>> = {
  // Guessed online, one request each: 2^80 requests take longer than anyone has.
  APP_PASSCODE: { minBits: 80, reason: 'guessed online, one request per guess', exampleBytes: 24 },
  // Guessed offline from any app JWT it signed, at billions of HMACs per second: a key's 128 bits.
  AUTH_JWT_SECRET: { minBits: 128, reason: 'guessed offline from any app JWT it signed', exampleBytes: 48 },
};

let estimator: ZxcvbnFactory | undefined;
/** Loaded on first use: the dictionaries take ~100 ms to set up. */
function zxcvbn(): ZxcvbnFactory {
  if (estimator === undefined) {
    const { ZxcvbnFactory: Factory } = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
    const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    const en = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
    estimator = new Factory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
  }
  return estimator;
}

/** Estimated bits of guessing work (log2 of zxcvbn's guesses). */
export function estimatedBits(secret: string): number {
  const result = zxcvbn().check(secret);
  if (result instanceof Promise) throw new Error('zxcvbn was set up with an asynchronous matcher');
  return Math.log2(result.guesses);
}

/** A fresh random value that passes the floor, for the fix line (never the configured secret). */
export const generatedExample = (rule: StrengthRule): string => randomBytes(rule.exampleBytes).toString('base64url');

/** What is wrong with the strength of a secret variable, or undefined when it clears its floor. */
export function strengthProblem(name: keyof typeof STRENGTH_RULES, secret: string): string | undefined {
  const rule = STRENGTH_RULES[name];
  const bits = estimatedBits(secret);
  if (bits >= rule.minBits) return undefined;
  return `${name} is too easy to guess: about ${Math.floor(bits)} bits of work by zxcvbn's estimate, where ${rule.minBits} are needed (it is ${rule.reason})`;
}
