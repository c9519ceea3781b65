/** The shape Twilio requires of every Access Token, whatever its grants. */

/** Twilio rejects any Access Token living longer than 24 hours (error 20157). */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;

/** What this service mints when neither the caller nor TOKEN_TTL says otherwise. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3_600;

/** Access Tokens are signed with HS256 and the API key's secret; Twilio accepts no other algorithm. */
export const TOKEN_ALGORITHM = 'HS256';

/** The HMAC algorithms: the only ones a shared secret may ever verify (others are key confusion). */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;

export const isHmacAlgorithm = (value: unknown): value is (typeof HMAC_ALGORITHMS)[number] =>
  typeof value === 'string' && (HMAC_ALGORITHMS as readonly string[]).includes(value);

/** The JOSE header fields that make a JWT a Twilio Access Token (20102 otherwise). */
export const TOKEN_TYPE = 'JWT';
export const TOKEN_CONTENT_TYPE = 'twilio-fpa;v=1';
