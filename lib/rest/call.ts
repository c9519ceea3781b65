/**
 * Calling the Twilio REST API from a function: the runtime's own client (context.getTwilioClient(),
 * the deployed service's credentials; locally ACCOUNT_SID + AUTH_TOKEN), a time budget that
 * keeps the whole request inside the runtime's 10 s execution limit, and every failure as a 502
 * twilio_api_error naming Twilio's error code (never a stack trace, never a credential).
 */
import { configError, ServiceError } from '../errors';
import { printable } from '../text';

interface RoomResource {
  sid: string;
  uniqueName: string;
}

/**
 * The calls of twilio's client the app endpoints make, as a shape: the runtime's client is
 * whichever twilio version it loads (this project's locally; its typings are another's).
 */
export interface RestClient {
  video: {
    v1: {
      rooms: {
        (sid: string): {
          recordingRules: {
            update(params: { rules: object[] }): Promise<{ roomSid: string; rules: readonly object[] | null; dateCreated: Date }>;
          };
        };
        page(params: { uniqueName: string; status: 'in-progress'; pageSize: number }): Promise<{ instances: RoomResource[] }>;
        create(params: { uniqueName: string; type: 'group' | 'group-small' | 'peer-to-peer' | 'go' }): Promise<RoomResource>;
      };
    };
  };
  conversations: {
    v1: {
      services(sid: string): {
        conversations: {
          (sid: string): {
            fetch(): Promise<{ sid: string }>;
            participants: { create(params: { identity: string }): Promise<{ sid: string }> };
          };
          create(params: { uniqueName: string; 'timers.closed': string }): Promise<{ sid: string }>;
        };
      };
    };
  };
}

/** twilio-node's per-request timeout (ms): one stalled request cannot use the whole budget. */
export const REST_REQUEST_TIMEOUT_MS = 4000;
/** All REST calls of one request (ms): Twilio stops a function after 10 s, and the answer must get out first. */
export const REST_BUDGET_MS = 8000;

/** The client the function hands over, or the config_error when the runtime cannot build one (no AUTH_TOKEN locally). */
export function restClientFrom(getClient: () => RestClient): RestClient {
  try {
    return getClient();
  } catch {
    return failMissingCredentials();
  }
}

function failMissingCredentials(): never {
  throw configError(
    ['ACCOUNT_SID', 'AUTH_TOKEN'],
    "This endpoint creates rooms and conversations with the Twilio REST API, through the runtime's client (context.getTwilioClient()), which has no credentials: locally, set ACCOUNT_SID and AUTH_TOKEN in the env file; a deployed service gets them from the runtime.",
  );
}

/** What a failed twilio-node call carries: RestException's HTTP status and Twilio code, or a network error's code. */
interface CallFailure {
  status?: unknown;
  code?: unknown;
  message?: unknown;
}

const twilioCodeOf = (error: unknown): number | undefined => {
  const code = (error as CallFailure | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
};

/** Whether a call failed with one of Twilio's error codes (20404 not found, 53113 room exists, ...). */
export const failedWith = (error: unknown, ...codes: number[]): boolean => {
  const code = twilioCodeOf(error);
  return code !== undefined && codes.includes(code);
};

/** Twilio's own message, one short printable line: it helps (53119 "The concurrent Rooms quota was exceeded"). */
const twilioMessage = (error: CallFailure): string =>
  typeof error.message === 'string' && error.message !== '' ? printable(error.message, { oneLine: true }).slice(0, 160) : '';

/**
 * A failed call as the 502 the caller gets: what was being done and Twilio's error code, or the
 * network's (ECONNRESET, a TLS failure, axios' ECONNABORTED for twilio-node's timeout). Anything
 * else is a bug of ours, passed on as it is (the pipeline's internal_error).
 */
export function twilioApiError(error: unknown, action: string): unknown {
  if (error instanceof ServiceError) return error;
  const failure = (typeof error === 'object' && error !== null ? error : {}) as CallFailure;
  if (typeof failure.status === 'number') {
    const code = twilioCodeOf(error);
    const said = twilioMessage(failure);
    const what = code !== undefined ? `Twilio error ${code}${said === '' ? '' : ` (${said})`}` : `HTTP ${failure.status}`;
    const credentials =
      failure.status === 401
        ? "; the service's own credentials were refused (locally ACCOUNT_SID and AUTH_TOKEN in the env file; deployed, the runtime's)"
        : '';
    const more = code !== undefined ? `; see https://www.twilio.com/docs/api/errors/${code}` : '';
    return new ServiceError(
      'twilio_api_error',
      `Twilio refused to ${action}: ${what}${credentials}${more}.`,
      undefined,
      `HTTP ${failure.status}, Twilio error ${code ?? 'none'}`,
    );
  }
  if (typeof failure.code === 'string' && /^[A-Z][A-Z0-9_]{1,60}$/.test(failure.code)) {
    return new ServiceError('twilio_api_error', `Twilio could not be reached to ${action} (${failure.code}); try again.`);
  }
  return error;
}

/**
 * Runs the REST calls of one request within REST_BUDGET_MS: each call that fails becomes the
 * 502 for its action, and one that has not answered when the budget is spent stops the
 * request (its late answer is dropped).
 */
export class RestSession {
  private readonly deadline: number;

  constructor(
    readonly client: RestClient,
    private readonly now: () => number = Date.now,
    budget = REST_BUDGET_MS,
  ) {
    this.deadline = now() + budget;
  }

  /** `run`'s result, or the 502 for `action` (what Twilio was asked to do, for the message). */
  async call<T>(action: string, run: (client: RestClient) => Promise<T>): Promise<T> {
    const remaining = this.deadline - this.now();
    const late = (): ServiceError =>
      new ServiceError(
        'twilio_api_error',
        `Twilio did not answer in time to ${action} (${REST_BUDGET_MS / 1000} s for the whole request); try again.`,
      );
    if (remaining <= 0) throw late();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(late()), remaining);
    });
    try {
      return await Promise.race([run(this.client), expired]);
    } catch (error) {
      throw twilioApiError(error, action);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Like call, but a failure with one of `codes` is an answer (`undefined`), not an error: 20404 when looking something up. */
  attempt<T>(action: string, codes: readonly number[], run: (client: RestClient) => Promise<T>): Promise<T | undefined> {
    return this.call(action, (client) =>
      run(client).catch((error: unknown) => {
        if (failedWith(error, ...codes)) return undefined;
        throw error;
      }),
    );
  }
}
