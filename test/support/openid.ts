import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { AppCredentials } from 'botframework-connector';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { closeServer } from './http';

/** The issuer of the tokens the Bot Framework channel sends (the SDK's public-cloud value). */
export const CHANNEL_ISSUER = 'https://api.botframework.com';
/** An issuer the SDK takes for the Bot Framework Emulator (a Microsoft tenant): such tokens go the emulator path. */
export const EMULATOR_ISSUER = 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/';

/**
 * How the stand-in behaves: `up` serves the documents; `refused` closes its port (connection
 * refused); `failing` answers 500; `hanging` takes the request and never answers.
 */
export type MetadataMode = 'up' | 'refused' | 'failing' | 'hanging';

/** A signing key made for a test. */
export interface TestKey {
  privateKey: CryptoKey;
  jwk: JWK;
}

export async function newKey(): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: await exportJWK(publicKey) };
}

/**
 * A local stand-in for the Bot Framework's OpenID metadata document and its key set (JWKS),
 * with an RSA key of its own; the tokens it signs are what the channel would send.
 */
export class OpenIdStandIn {
  readonly keyId = `standin-${randomUUID().slice(0, 8)}`;
  /** Requests the stand-in received, in any mode. */
  requests = 0;
  private mode: MetadataMode = 'up';
  private server?: Server;
  private port = 0;
  private key?: TestKey;

  /** Starts serving; returns the metadata document's address. */
  async start(): Promise<string> {
    this.key = await newKey();
    this.server = createServer((req, res) => {
      this.requests += 1;
      if (this.mode === 'hanging') return;
      if (this.mode === 'failing') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        return res.end('metadata store unavailable');
      }
      const json = (value: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.url === '/v1/.well-known/openidconfiguration') {
        return json({ issuer: CHANNEL_ISSUER, jwks_uri: `${this.base}/v1/keys`, id_token_signing_alg_values_supported: ['RS256'] });
      }
      if (req.url === '/v1/keys') {
        return json({ keys: [{ ...this.key!.jwk, kid: this.keyId, use: 'sig', alg: 'RS256', endorsements: ['msteams'] }] });
      }
      res.writeHead(404);
      res.end();
    });
    await this.listen();
    return this.metadataUrl;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get metadataUrl(): string {
    return `${this.base}/v1/.well-known/openidconfiguration`;
  }

  /** Switches the stand-in down (one of the ways) or up again, on the same port. */
  async setMode(mode: MetadataMode): Promise<void> {
    const wasListening = this.server!.listening;
    if (mode === 'refused' && wasListening) {
      this.server!.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }
    if (mode !== 'refused' && !wasListening) await this.listen(this.port);
    this.mode = mode;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** A token with these claims, signed RS256 by the stand-in's key (or `key`) under its key id (or `kid`). */
  token(claims: JWTPayload, options: { key?: TestKey; kid?: string } = {}): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? this.keyId }).sign((options.key ?? this.key!).privateKey);
  }

  private async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => {
        this.server!.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server!.address() as AddressInfo).port;
  }
}

/** The claims of a channel token for this bot and this serviceUrl, valid for an hour. */
export function genuineClaims(appId: string, serviceUrl: string): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return { iss: CHANNEL_ISSUER, aud: appId, serviceurl: serviceUrl, iat: now - 60, nbf: now - 60, exp: now + 3600 };
}

/** The same claims, expired an hour ago (beyond the SDK's five minutes of clock tolerance). */
export function expired(claims: JWTPayload): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return { ...claims, iat: now - 7200, nbf: now - 7200, exp: now - 3600 };
}

/** An unsigned token (`alg: none`) with this header and these claims, and an empty signature. */
export function unsignedToken(header: Record<string, unknown>, claims: JWTPayload): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT', ...header })}.${part(claims)}.`;
}

/** A token signed HS256 with a shared secret (such as the app password). */
export function hs256Token(secret: string, kid: string, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid }).sign(new TextEncoder().encode(secret));
}

/**
 * Puts a token for the bot's own calls to the connector where the SDK keeps the ones it gets
 * from Entra ID, so that replies can be sent without a network. The capture connector does
 * not check it.
 */
export function seedOutboundToken(appId: string, scope = 'https://api.botframework.com'): void {
  const cache = (AppCredentials as unknown as { cache: Map<string, { accessToken: string; expiresOn: Date }> }).cache;
  cache.set(`${appId}${scope}-cache`, { accessToken: `outbound-${randomUUID()}`, expiresOn: new Date(Date.now() + 3_600_000) });
}
