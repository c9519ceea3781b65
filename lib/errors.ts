/**
 * The one error type of the service, and its vocabulary. Every failure a caller or an operator
 * can act on is a ServiceError: a stable snake_case code to switch on (its HTTP status comes
 * from the table below), the field (request parameter or configuration variable) at fault, and
 * a sentence saying what to do.
 */

/** Every error code the functions answer, with its HTTP status. Clients (the page) type against it. */
export const ERROR_STATUS = {
  missing_identity: 400,
  invalid_identity: 400,
  missing_grants: 400,
  invalid_grant: 400,
  invalid_ttl: 400,
  invalid_room: 400,
  invalid_param: 400,
  unknown_param: 400,
  missing_token: 400,
  invalid_token: 400,
  invalid_json: 400,
  unauthorized: 401,
  origin_not_allowed: 403,
  identity_mismatch: 403,
  grant_not_allowed: 403,
  // A verified sign-in token lacks a claim a product takes its values from, or holds one of the wrong shape.
  missing_claim: 403,
  invalid_claim: 403,
  // /voice: a call of another account than ACCOUNT_SID (its TwiML App points at this service).
  account_mismatch: 403,
  // Answered by the local server only: the deployed runtime does not tell a function the method, the
  // Host or a path that routes nowhere.
  host_not_allowed: 403,
  invalid_path: 400,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  config_error: 500,
  internal_error: 500,
  // A Twilio REST API call the request needed (the Video app's room or conversation) failed: the
  // message names Twilio's error code.
  twilio_api_error: 502,
  auth_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly status: number;

  /**
   * @param message what the caller reads
   * @param logDetail what only the operator reads (the log line, the doctor): lengths and shapes
   *   of secret variables, why a sign-in token was refused in more detail; never a value
   */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly logDetail?: string,
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.field !== undefined) error.field = this.field;
    return { error };
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string };
}

/** 400: the caller sent something we cannot use. */
export const badRequest = (code: ErrorCode, field: string, message: string): ServiceError => new ServiceError(code, message, field);

/** 500: the deployment is misconfigured; `variables` are named, values never printed. */
export const configError = (variables: readonly string[], message: string, logDetail?: string): ServiceError =>
  new ServiceError('config_error', message, variables.join(','), logDetail);
