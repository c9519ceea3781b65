/** A TokenRequest's grants as twilio's own grant objects, whose toPayload() is Twilio's payload shape. */
import type AccessToken from 'twilio/lib/jwt/AccessToken';
import { missingGrantConfig, type ServiceConfig } from '../config/service';
import { PRODUCTS, type GrantName } from '../twilio';
import type { TokenRequest } from './request';

export type AccessTokenClass = typeof AccessToken;
type Grant = ReturnType<typeof buildGrant>;

/** The SID a product's grant carries in this configuration (PRODUCTS[grant].variable). */
function configuredSid(grant: GrantName, config: ServiceConfig): string | undefined {
  switch (grant) {
    case 'voice':
      return config.outgoingApplicationSid;
    case 'chat':
      return config.chatServiceSid;
    case 'sync':
      return config.syncServiceSid;
    case 'video':
      return undefined;
  }
}

/** Whether tokens with this grant can be minted: a product that needs a SID has it. */
export function isProductConfigured(grant: GrantName, config: ServiceConfig): boolean {
  const variable = PRODUCTS[grant].variable;
  return variable === undefined || variable.fallback !== undefined || configuredSid(grant, config) !== undefined;
}

function buildGrant(grant: GrantName, request: TokenRequest, config: ServiceConfig, Token: AccessTokenClass) {
  const variable = PRODUCTS[grant].variable;
  if (variable !== undefined && !isProductConfigured(grant, config)) throw missingGrantConfig(variable.name, grant, variable.what);
  const sid = configuredSid(grant, config);
  switch (grant) {
    case 'voice':
      return new Token.VoiceGrant({
        outgoingApplicationSid: sid,
        incomingAllow: request.incomingAllow,
        pushCredentialSid: config.pushCredentialSid,
      });
    case 'video':
      return new Token.VideoGrant({ room: request.room });
    case 'chat':
      return new Token.ChatGrant({ serviceSid: sid });
    case 'sync':
      return new Token.SyncGrant({ serviceSid: sid });
  }
}

/** Exactly the requested products' grants. Throws config_error when a requested product is not configured. */
export function buildGrants(request: TokenRequest, config: ServiceConfig, Token: AccessTokenClass): Grant[] {
  return request.grants.map((grant) => buildGrant(grant, request, config, Token));
}
