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

/**
 * The bot's own credential, in the bot's tenant: its user-assigned managed identity
 * (MICROSOFT_APP_TYPE=UserAssignedMSI, MICROSOFT_APP_ID being the identity's client id, as in
 * infra/) or its app registration's client secret. Absent without an app id or tenant (local mode).
 */
export function botCredential(bot: Config['bot']): TokenCredential | undefined {
  if (!bot.appId || !bot.tenantId) return undefined;
  // Loaded only where it is used: @azure/identity costs about 20 MB of memory.
  const { ClientSecretCredential, ManagedIdentityCredential } = require('@azure/identity') as typeof import('@azure/identity');
  if (bot.appType === 'UserAssignedMSI') return new ManagedIdentityCredential({ clientId: bot.appId });
  if (!bot.appPassword) return undefined;
  return new ClientSecretCredential(bot.tenantId, bot.appId, bot.appPassword);
}
