/** Twilio's rules for Access Tokens as data: browser-safe, no dependencies. */
export * from './errors';
export * from './identity';
export * from './regions';
export * from './sids';
export * from './token';
