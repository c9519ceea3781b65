/**
 * Twilio SIDs are a two-letter type prefix and 32 hex digits. Knowing the prefix of each
 * resource lets us say "that is a TwiML App SID, not a service SID" instead of letting Twilio
 * answer with a bare 20101.
 */
export const SID_PREFIXES = {
  AC: 'Account',
  SK: 'API Key',
  AP: 'TwiML App',
  IS: 'Conversations/Chat or Sync service',
  CR: 'Push Credential',
  WS: 'TaskRouter Workspace',
  WK: 'TaskRouter Worker',
  ZS: 'Serverless service',
  ZE: 'Serverless environment',
  RM: 'Video room',
  CH: 'Conversation',
} as const;

export type SidPrefix = keyof typeof SID_PREFIXES;

/**
 * Other resources whose SIDs people paste where a token belongs (from Twilio's OpenAPI specs),
 * to say what a pasted SID is. Display only: configuration never takes these (SID_PREFIXES
 * names the ones it does).
 */
const OTHER_SID_KINDS: Readonly<Record<string, string>> = {
  PN: 'Phone Number',
  CA: 'Call',
  CF: 'Conference',
  MG: 'Messaging Service',
  SM: 'Message',
  MM: 'Message (MMS)',
  US: 'Conversations User',
  WQ: 'TaskRouter TaskQueue',
  FW: 'Studio Flow',
  ZH: 'Serverless Function or Asset',
  ZB: 'Serverless Build',
  ZD: 'Serverless Deployment',
  VA: 'Verify Service',
};

const SID_SHAPE = /^([A-Z]{2})([0-9a-fA-F]{32})$/;

/** Not a type guard: for a string, `false` must not narrow it to `never`. */
export function isSid(value: unknown, prefix: SidPrefix): boolean {
  if (typeof value !== 'string') return false;
  const match = SID_SHAPE.exec(value);
  return match !== null && match[1] === prefix;
}

/** The prefix of something SID-shaped, whatever its type; undefined when not SID-shaped. */
export function sidPrefixOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return SID_SHAPE.exec(value)?.[1];
}

/** What a SID prefix names (`Account`), or undefined for a prefix we do not know. */
export function sidKind(prefix: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(SID_PREFIXES, prefix)) return SID_PREFIXES[prefix as SidPrefix];
  return Object.prototype.hasOwnProperty.call(OTHER_SID_KINDS, prefix) ? OTHER_SID_KINDS[prefix] : undefined;
}

/** A readable "ACxxxxxxxx..." example for messages: shows the shape, never a value. */
export const sidExample = (prefix: SidPrefix): string => `${prefix}${'x'.repeat(32)}`;

const withArticle = (noun: string): string => `${/^[AEIOU]/.test(noun) ? 'an' : 'a'} ${noun}`;

/** What a SID of this kind looks like, for messages: `a TwiML App SID (AP + 32 hex digits)`. */
export const expectedSid = (prefix: SidPrefix): string => `${withArticle(SID_PREFIXES[prefix])} SID (${prefix} + 32 hex digits)`;

/**
 * Describes what is wrong with a supposed SID without echoing it: the value may be a secret
 * pasted into the wrong variable.
 */
export function describeSidProblem(value: string, prefix: SidPrefix): string {
  const other = sidPrefixOf(value);
  if (other !== undefined && other !== prefix) {
    const kind = sidKind(other);
    const wanted = withArticle(SID_PREFIXES[prefix]);
    if (Object.prototype.hasOwnProperty.call(SID_PREFIXES, other))
      return `holds ${withArticle(kind!)} SID (${other}...) where ${wanted} SID (${prefix}...) belongs`;
    return `starts with ${other}${kind ? ` (${withArticle(kind)} SID)` : ''} where ${wanted} SID starts with ${prefix}`;
  }
  if (!value.startsWith(prefix)) {
    return `must start with ${prefix} (${withArticle(SID_PREFIXES[prefix])} SID looks like ${sidExample(prefix)})`;
  }
  return `must be ${prefix} followed by 32 hex digits (${value.length} characters given, 34 expected)`;
}
