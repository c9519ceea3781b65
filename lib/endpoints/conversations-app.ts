/**
 * `/conversations-app/token`: the token service of twilio-conversations-demo-react
 * (REACT_APP_ACCESS_TOKEN_SERVICE_URL). The demo does `axios.get(URL, {params: {identity,
 * password}})` and takes `response.data` as the token, on sign-in and again on
 * tokenAboutToExpire and tokenExpired (docs/apps.md: file and commit). So: the JWT itself as
 * text/plain, a fresh one on every call, and errors as one plain sentence, since the demo shows a
 * 401's body as it is (a JSON body would read "[object Object]") and nothing of the others.
 * AUTH_MODE=passcode takes the passcode as the demo's password; jwt cannot work here (the demo
 * sends no sign-in token).
 */
import { credentialReader, unauthorized, type CredentialReader } from '../auth';
import type { ConfigVars } from '../config/schema';
import { badRequest, ServiceError } from '../errors';
import { NOSNIFF, type HttpResult } from '../http/result';
import { identityProblems } from '../products';
import type { AccessTokenClass } from '../token/grants';
import { mintToken } from '../token/mint';
import { own } from '../text';
import { RawAnswer, runEndpoint, type EndpointDeps, type ErrorRenderer, type MaybePromise } from './pipeline';

export const CONVERSATIONS_APP_PATH = '/conversations-app/token';

const PLAIN = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };

/** One sentence, as the demo shows it under its sign-in form. */
export const renderPlainError: ErrorRenderer = (error) => ({
  status: error.status,
  headers: { ...PLAIN, ...NOSNIFF },
  body: error.message,
});

const fromPassword = credentialReader({ passcodeParam: 'password' });

/** The demo's password is the passcode; a jwt service is refused in words the demo's user can pass on. */
const DEMO_CREDENTIALS: CredentialReader = (headers, event, mode) => {
  if (mode === 'jwt') {
    throw unauthorized(
      'This endpoint needs AUTH_MODE=passcode (the password is the passcode) or AUTH_MODE=none; this service uses AUTH_MODE=jwt, whose sign-in tokens the Conversations demo cannot send.',
    );
  }
  const presented = fromPassword(headers, event, mode);
  return 'missing' in presented ? { missing: "Enter the token service's passcode as the password." } : presented;
};

export interface ConversationsAppDeps extends EndpointDeps {
  /** The runtime's `Twilio.jwt.AccessToken`; twilio's own module when absent. */
  AccessToken?: AccessTokenClass;
}

export function handleConversationsAppToken(
  vars: ConfigVars,
  event: Record<string, unknown>,
  deps: ConversationsAppDeps = {},
): MaybePromise<HttpResult> {
  return runEndpoint(
    {
      path: CONVERSATIONS_APP_PATH,
      params: ['identity', 'password'],
      readCredential: DEMO_CREDENTIALS,
      renderError: renderPlainError,
      handle: ({ config, event: request, log }) => {
        log.action = 'token';
        const identity = own(request, 'identity');
        if (identity === undefined || identity === '')
          throw badRequest('missing_identity', 'identity', 'Enter a username (the identity parameter is missing).');
        const [problem] = identityProblems(identity, ['chat']);
        if (problem !== undefined) throw new ServiceError(problem.code, `This username cannot be used: ${problem.message}.`, 'identity');
        log.identity = identity as string;
        log.grants = ['chat'];
        const minted = mintToken({ identity: identity as string, grants: ['chat'], options: {} }, config, deps.AccessToken);
        log.ttl = minted.ttl;
        return new RawAnswer({ status: 200, headers: PLAIN, body: minted.token });
      },
    },
    vars,
    event,
    deps,
  );
}
