/**
 * After npm run deploy uploads the service: the TwiML App named by OUTGOING_SID is pointed at the
 * deployed /voice (POST) when its Voice URL is empty, and left as it is, with a sentence saying so,
 * when it points elsewhere. The domain is the deployed environment's, asked of the Serverless API
 * with the credentials the upload used (the service SID is then in .twiliodeployinfo).
 */
import { voiceUrlWiring } from '../../lib/products/voice';
import { isSidFor, readVar } from '../../lib/doctor/vars';
import { createClient, DEFAULT_TIMEOUT_MS } from '../../lib/doctor/online/client';
import { AccountError, rest, type Account } from './account';
import { deployTarget } from './deploy-plan';

/** `argv`: the twilio-run deploy flags the upload ran with. Returns the exit code: 1 when the URL could not be checked. */
export async function wireVoiceUrl(argv: readonly string[], vars: Record<string, string>, log: (text: string) => void): Promise<number> {
  const applicationSid = readVar(vars, 'OUTGOING_SID');
  if (!isSidFor('OUTGOING_SID', applicationSid)) {
    log('\nVoice URL: OUTGOING_SID is not set, so there is no TwiML App to point at /voice.\n');
    return 0;
  }
  try {
    const target = await deployTarget(argv);
    const accountSid = readVar(vars, 'ACCOUNT_SID') ?? target.username;
    const account: Account = {
      accountSid,
      client: createClient(target.username, target.password, accountSid, undefined, { timeoutMs: DEFAULT_TIMEOUT_MS }),
      timeoutMs: DEFAULT_TIMEOUT_MS,
    };
    const serverless = account.client.serverless.v1.services;
    let serviceSid = target.serviceSid;
    if (serviceSid === undefined) {
      const services = await rest(account, 'Finding the deployed service', () => serverless.list({ limit: 1000 }));
      serviceSid = services.find((service) => service.uniqueName === target.serviceName)?.sid;
      if (serviceSid === undefined) throw new AccountError(`no Functions service named ${target.serviceName} on ${accountSid}`);
    }
    const sid = serviceSid;
    const environments = await rest(account, 'Finding the deployed domain', () => serverless(sid).environments.list({ limit: 1000 }));
    const environment = environments.find((env) => (env.domainSuffix ?? '') === target.environment);
    if (environment === undefined)
      throw new AccountError(`the service ${sid} has no environment with the domain suffix "${target.environment}"`);
    const wanted = `https://${environment.domainName}/voice`;

    const apps = account.client.api.v2010.accounts(accountSid).applications;
    const app = await rest(account, `Reading the TwiML App ${applicationSid} (OUTGOING_SID)`, () => apps(applicationSid).fetch());
    const name = `TwiML App ${applicationSid} ${JSON.stringify(app.friendlyName ?? '')}`;
    switch (voiceUrlWiring(app.voiceUrl, wanted)) {
      case 'set':
        await rest(account, `Setting the Voice URL of ${name}`, () =>
          apps(applicationSid).update({ voiceUrl: wanted, voiceMethod: 'POST' }),
        );
        log(`\nVoice URL: ${name} had none; it now sends calls to POST ${wanted}.\n`);
        break;
      case 'already':
        log(`\nVoice URL: ${name} sends calls to ${app.voiceMethod ?? 'POST'} ${wanted}, this service's /voice.\n`);
        break;
      case 'elsewhere':
        log(
          `\nVoice URL: ${name} sends calls to ${app.voiceMethod ?? 'POST'} ${app.voiceUrl}, not this service's /voice: left as it is. To have ${wanted} answer them, set it as the Voice URL (Console > Voice > TwiML Apps), or empty it and deploy again.\n`,
        );
        break;
    }
    return 0;
  } catch (error) {
    if (!(error instanceof AccountError)) throw error;
    log(`\nDeployed, but the Voice URL of the TwiML App ${applicationSid} was not checked: ${error.message}\n`);
    return 1;
  }
}
