import type AccessToken from 'twilio/lib/jwt/AccessToken';
import { missingGrantConfig, type ServiceConfig } from './config';
import type { GrantName, TokenRequest } from './request';

export type AccessTokenClass = typeof AccessToken;
type Grant = InstanceType<AccessTokenClass['VoiceGrant']> | InstanceType<AccessTokenClass['VideoGrant']> | InstanceType<AccessTokenClass['ChatGrant']> | InstanceType<AccessTokenClass['SyncGrant']>;

/**
 * Builds twilio's own grant objects (their toPayload() is Twilio's payload shape) for exactly
 * the requested products. Throws config_error when a requested product is not configured.
 */
export function buildGrants(request: TokenRequest, config: ServiceConfig, Token: AccessTokenClass): Grant[] {
  return request.grants.map((name: GrantName): Grant => {
    switch (name) {
      case 'voice':
        if (config.outgoingApplicationSid === undefined) {
          throw missingGrantConfig('OUTGOING_SID', 'voice', 'the TwiML App SID, AP...');
        }
        return new Token.VoiceGrant({
          outgoingApplicationSid: config.outgoingApplicationSid,
          incomingAllow: request.incomingAllow,
          pushCredentialSid: config.pushCredentialSid,
        });
      case 'video':
        return new Token.VideoGrant({ room: request.room });
      case 'chat':
        if (config.chatServiceSid === undefined) {
          throw missingGrantConfig('CHAT_SERVICE_SID', 'chat', 'the Conversations service SID, IS...');
        }
        return new Token.ChatGrant({ serviceSid: config.chatServiceSid });
      case 'sync':
        return new Token.SyncGrant({ serviceSid: config.syncServiceSid });
    }
  });
}
