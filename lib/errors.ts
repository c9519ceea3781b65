/**
 * The one error type of the service. Every failure a caller or an operator can act on is a
 * ServiceError: an HTTP status, a stable snake_case code to switch on, the field (request
 * parameter or configuration variable) at fault, and a sentence saying what to do.
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.field !== undefined) error.field = this.field;
    return { error };
  }
}

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** 400: the caller sent something we cannot use. */
export const badRequest = (code: string, field: string, message: string): ServiceError =>
  new ServiceError(400, code, message, field);

/** 500: the deployment is misconfigured; `variables` are named, values never printed. */
export const configError = (variables: string[], message: string): ServiceError =>
  new ServiceError(500, 'config_error', message, variables.join(','));
