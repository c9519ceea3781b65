'use strict';
// The comparison functions of npm run bench, as function files the runtime serves and the bench
// loads in-process (the same source both ways). Written to a temp folder by writeBaselines().
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** @type {Record<string, string>} */
const SOURCES = {
  // The smallest function the runtime can serve, answering a JSON body.
  hello: "exports.handler = (context, event, callback) => callback(null, { hello: 'world' });\n",

  // The Twilio tutorial's function (shared/seeds/004): a new AccessToken per request with the
  // secret as a string, the grants, toJwt(). jsonwebtoken first tries the string as a PEM
  // private key on every call, which is what our cached KeyObject avoids.
  seed: `exports.handler = function (context, event, callback) {
  const AccessToken = Twilio.jwt.AccessToken;
  const token = new AccessToken(context.ACCOUNT_SID, context.API_KEY, context.API_SECRET, { identity: event.identity });
  token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid: context.OUTGOING_SID, incomingAllow: true }));
  token.addGrant(new AccessToken.VideoGrant());
  const response = new Twilio.Response();
  response.appendHeader('Content-Type', 'application/json');
  response.setBody({ accessToken: token.toJwt() });
  callback(null, response);
};
`,

  // twilio's AccessToken with a KeyObject and nothing else (no validation, auth, CORS policy,
  // errors or log line), signing the same payload as /token and answering the same shape: the
  // floor any function using the library can reach, to size our pipeline against.
  mintonly: `const { createSecretKey } = require('node:crypto');
let key;
exports.handler = function (context, event, callback) {
  key ??= createSecretKey(Buffer.from(context.API_SECRET, 'utf8'));
  const AccessToken = Twilio.jwt.AccessToken;
  const ttl = 3600;
  const token = new AccessToken(context.ACCOUNT_SID, context.API_KEY, key, { identity: event.identity, ttl });
  token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid: context.OUTGOING_SID, incomingAllow: true }));
  token.addGrant(new AccessToken.VideoGrant());
  const jwt = token.toJwt();
  const { exp } = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
  const response = new Twilio.Response();
  response.appendHeader('Vary', 'Origin');
  response.appendHeader('Content-Type', 'application/json');
  response.appendHeader('Cache-Control', 'no-store');
  response.setBody({ token: jwt, identity: event.identity, grants: ['voice', 'video'], ttl, expiresAt: new Date(exp * 1000).toISOString() });
  callback(null, response);
};
`,
};

// The same, calling back a microtask later, as any function with an await in its path does:
// what answering asynchronously costs in the runtime (the request's stream is still open when
// the response finishes, and node clears it with one more listener).
SOURCES.mintasync = String(SOURCES.mintonly).replace(
  'callback(null, response);',
  'Promise.resolve().then(() => callback(null, response));',
);

/** Writes the baseline functions to a fresh temp folder: { dir, files: { hello, seed, mintonly, mintasync } }. */
function writeBaselines() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-baselines-'));
  /** @type {Record<string, string>} */
  const files = {};
  for (const [name, source] of Object.entries(SOURCES)) {
    files[name] = path.join(dir, `${name}.js`);
    fs.writeFileSync(files[name], source);
  }
  return { dir, files, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

module.exports = { writeBaselines };
