/**
 * The demo configuration tracked in `.env`: obviously fake SIDs and a secret that says what it
 * is. Tokens minted with it are well-formed JWTs that Twilio rejects (20103/20107), which is the
 * point: a fresh clone works without an account and can never be mistaken for production.
 */
import { readVar, type ConfigVars } from './config/schema';

export const DEMO_CONFIG = {
  ACCOUNT_SID: 'AC00000000000000000000000000000000',
  API_KEY: 'SK00000000000000000000000000000000',
  API_SECRET: 'demo-secret-not-a-real-twilio-key',
  OUTGOING_SID: 'AP00000000000000000000000000000000',
  CHAT_SERVICE_SID: 'IS00000000000000000000000000000000',
} as const;

const ALL_ZERO_SID = /^[A-Z]{2}0{32}$/;

/** True when any credential is one of the demo placeholders. */
export function isDemoCredentials(vars: ConfigVars): boolean {
  const apiKey = readVar(vars, 'API_KEY');
  const accountSid = readVar(vars, 'ACCOUNT_SID');
  return (
    readVar(vars, 'API_SECRET') === DEMO_CONFIG.API_SECRET ||
    (apiKey !== undefined && ALL_ZERO_SID.test(apiKey)) ||
    (accountSid !== undefined && ALL_ZERO_SID.test(accountSid))
  );
}
