import { decodeJwt } from 'jose';

export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

/** An OAuth2 client-credentials token, fetched again a minute before it expires. */
export function serviceTokenSource(creds: ClientCredentials): () => Promise<string> {
  let cached: { token: string; renewAt: number } | undefined;
  let fetching: Promise<string> | undefined;
  // Deliveries that start together share one request instead of each asking for a token.
  return () => {
    if (cached && Date.now() < cached.renewAt) return Promise.resolve(cached.token);
    fetching ??= fetchToken().finally(() => (fetching = undefined));
    return fetching;
  };

  async function fetchToken(): Promise<string> {
    const res = await fetch(creds.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret }),
      // A token endpoint that never answers must fail the delivery (retried later), not hold it for ever.
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
    const { access_token: token } = (await res.json()) as { access_token: string };
    const exp = decodeJwt(token).exp ?? Math.floor(Date.now() / 1000) + 300;
    cached = { token, renewAt: exp * 1000 - 60_000 };
    return token;
  }
}
