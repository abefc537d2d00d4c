import type { TokenCredential } from '@azure/identity';
import type { Config } from '../config';

/**
 * App-only access tokens for Microsoft Graph, as Samråd itself (never on behalf of a person).
 * The one seam between Samråd's Graph calls and Entra ID: tests give a fixed token instead.
 */
export interface TokenSource {
  /** A bearer token for Graph; throws when none can be had (the caller's job tries again later). */
  token(signal?: AbortSignal): Promise<string>;
}

/** The scope of an app-only token for the Graph at this address: its origin + `/.default` (sovereign clouds have their own). */
export function graphScope(baseUrl: string): string {
  return `${new URL(baseUrl).origin}/.default`;
}

/** Tokens from an Azure credential; @azure/identity caches them and fetches a new one before expiry. */
export function credentialTokens(credential: TokenCredential, scope: string): TokenSource {
  return {
    async token(signal) {
      const access = await credential.getToken(scope, { abortSignal: signal });
      if (!access?.token) throw new Error('no Graph token');
      return access.token;
    },
  };
}

/** The audience of a managed identity's token that an Entra app's federated credential accepts as a client assertion. */
export const TOKEN_EXCHANGE_SCOPE = 'api://AzureADTokenExchange/.default';

/**
 * Samråd's credential for Microsoft Graph, in `tenantId` (the bot's tenant unless given): always
 * as its Entra app (`Config.entraApp`, the app of the manifest's `webApplicationInfo`, which holds
 * the Graph permissions and the resource-specific consent).
 * - The Entra app is the bot's own registration (`signIn: 'bot'`; local mode, or a bot registered
 *   by hand): its client secret, or, for a bot that is a managed identity with no registration,
 *   that identity itself.
 * - The Entra app is a registration beside the bot's managed identity (`signIn: 'federated'`, as
 *   in infra/): a client assertion credential whose assertion is the managed identity's token for
 *   `api://AzureADTokenExchange`; the registration's federated credential trusts that identity,
 *   so there is no secret anywhere. The managed identity and Entra ID are found as @azure/identity
 *   finds them (App Service's IDENTITY_ENDPOINT, AZURE_AUTHORITY_HOST); `testOptions` lets a test
 *   skip the public cloud's instance discovery, for a local stand-in of Entra ID.
 * Absent without an app id or a tenant (local mode).
 */
export function entraCredential(
  config: Pick<Config, 'bot' | 'entraApp'>,
  tenantId = config.bot.tenantId,
  testOptions?: { disableInstanceDiscovery: boolean },
): TokenCredential | undefined {
  const { bot, entraApp } = config;
  if (!entraApp.appId || !tenantId) return undefined;
  // Loaded only where it is used: @azure/identity costs about 20 MB of memory.
  const identity = require('@azure/identity') as typeof import('@azure/identity');
  if (entraApp.signIn === 'federated') {
    const managedIdentity = new identity.ManagedIdentityCredential({ clientId: bot.appId });
    const getAssertion = async () => {
      const token = await managedIdentity.getToken(TOKEN_EXCHANGE_SCOPE);
      if (!token?.token) throw new Error('no managed identity token for the federated credential');
      return token.token;
    };
    return new identity.ClientAssertionCredential(tenantId, entraApp.appId, getAssertion, testOptions);
  }
  if (bot.appType === 'UserAssignedMSI') return new identity.ManagedIdentityCredential({ clientId: bot.appId });
  if (!bot.appPassword) return undefined;
  return new identity.ClientSecretCredential(tenantId, bot.appId, bot.appPassword);
}
