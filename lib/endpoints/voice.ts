/**
 * `/voice`: the TwiML App's Voice URL. A Voice SDK's Device.connect({params: {To}}) makes Twilio
 * POST the call here (a form, no browser Origin); the answer is TwiML, built with the twilio
 * library's VoiceResponse, for what lib/products/voice.ts decides to dial. Deployed as a
 * protected Function (functions/voice.protected.ts), so the platform checks X-Twilio-Signature
 * before this runs; a call of another account than ACCOUNT_SID is refused here (403). The log
 * line names what was done (client, number or the refusal), never the identity or the number.
 */
import type { ConfigVars } from '../config/schema';
import { ServiceError } from '../errors';
import type { HttpResult } from '../http/result';
import { outgoingCall } from '../products/voice';
import { own } from '../text';
import { RawAnswer, runEndpoint, type EndpointDeps, type EndpointInput, type MaybePromise } from './pipeline';

type VoiceResponseClass = typeof import('twilio/lib/twiml/VoiceResponse');
let VoiceResponse: VoiceResponseClass | undefined;
/** Only /voice needs it: required on first use, as jose is. */
const twiml = (): InstanceType<VoiceResponseClass> =>
  new (VoiceResponse ??= require('twilio/lib/twiml/VoiceResponse') as VoiceResponseClass)();

function voiceAnswer({ config, event, log }: EndpointInput): RawAnswer {
  if (own(event, 'AccountSid') !== config.accountSid) {
    throw new ServiceError(
      'account_mismatch',
      "This call is not from this service's Twilio account: only calls of ACCOUNT_SID are answered. Point the TwiML App of another account at its own service.",
      'AccountSid',
    );
  }
  const call = outgoingCall(own(event, 'To'), config.products.voice);
  const response = twiml();
  if (call.kind === 'client') {
    response.dial().client(call.identity);
    log.call = 'client';
  } else if (call.kind === 'number') {
    response.dial({ callerId: call.callerId }).number(call.number);
    log.call = 'number';
  } else {
    response.say(call.say);
    response.hangup();
    log.call = 'refused';
    log.reason = call.reason;
  }
  return new RawAnswer({
    status: 200,
    headers: { 'Content-Type': 'text/xml; charset=utf-8', 'Cache-Control': 'no-store' },
    body: response.toString(),
  });
}

export function handleVoice(vars: ConfigVars, event: Record<string, unknown>, deps: EndpointDeps = {}): MaybePromise<HttpResult> {
  return runEndpoint({ path: '/voice', params: ['To'], anyParams: true, authenticate: false, handle: voiceAnswer }, vars, event, deps);
}
