/**
 * The Twilio error codes an Access Token problem produces, with Twilio's own title for each
 * (https://www.twilio.com/docs/api/errors/<code>). The inspector reports findings in them.
 */
export const TWILIO_ERRORS = {
  20101: 'Invalid Access Token',
  20102: 'Invalid Access Token header',
  20103: 'Invalid Access Token issuer/subject',
  20104: 'Access Token expired or expiration date invalid',
  20105: 'Access Token not yet valid',
  20106: 'Invalid Access Token grants',
  20107: 'Invalid Access Token signature',
  20156: 'Access Token expiration date is invalid',
  20157: 'Access Token expiration is too far in the future',
  20160: 'Invalid Access Token format',
  31105: 'Voice: invalid client name (identity)',
  53200: 'Video: invalid participant identity',
} as const;

export type TwilioErrorCode = keyof typeof TWILIO_ERRORS;

export const twilioErrorUrl = (code: TwilioErrorCode): string => `https://www.twilio.com/docs/api/errors/${code}`;
