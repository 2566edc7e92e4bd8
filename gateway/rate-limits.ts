// The front door's limits per client address: how many requests a second (a token bucket: `average`
// per `period`, `burst` at once) and how many at a time (`inFlight`). One source for the Pi's Traefik
// (compose/traefik/dynamic.yml: rateLimit + inFlightReq middlewares, `rate-<name>` / `inflight-<name>`)
// and the container test's nginx stand-in (tests/containers/front-door.conf: limit_req / limit_conn
// zones of the same names); neither file can import this one, so tests/deploy/front-door.test.ts checks
// that both say these numbers, and SECURITY.md's table.
//
// Every public route takes `public`; the costly ones take their own as well (both must let a request
// through). A client is its address as Traefik sees the connection: on the Pi, LAN clients reach
// Traefik's published ports with their own addresses (Docker's DNAT keeps them); X-Forwarded-For is
// not believed (no trusted proxy in front), so a client cannot pick its own bucket.

export interface RateLimit {
  /** Requests per period, on average (the bucket's refill). */
  average: number;
  period: '1s' | '1m';
  /** Requests at once after a quiet spell (the bucket's size). */
  burst: number;
  /** Requests of one client being answered at the same time. */
  inFlight: number;
  /** What it guards, for the docs. */
  what: string;
}

export const rateLimits = {
  // The workspace loads ~30 files at once; the container test's load (8 orders/s, polls) fits under it.
  public: { average: 50, period: '1s', burst: 100, inFlight: 30, what: 'every route of erpbi.<domain>, auth.<domain>, grafana.<domain>' },
  // Keycloak's sign-in page, its form posts and the token endpoint: a password check costs the Pi CPU
  // (Keycloak hashes it); the realm's own brute-force protection locks accounts on top of this.
  'sign-in': {
    average: 30,
    period: '1m',
    burst: 20,
    inFlight: 5,
    what: 'auth.<domain>/realms/erpbi/protocol/openid-connect/{auth,token} and /realms/erpbi/login-actions/',
  },
  // A PDF read streams a file from object storage.
  pdf: { average: 2, period: '1s', burst: 10, inFlight: 4, what: 'GET /function/query/<...>/pdf' },
  // A CSV export reads every row of a list (Accept: text/csv on /function/query/...).
  csv: { average: 1, period: '1s', burst: 5, inFlight: 2, what: '/function/query/... with Accept: text/csv (or text/*)' },
  // A BI query runs in the one DuckDB process every user shares; the dashboard asks for ~10 at once.
  bi: { average: 5, period: '1s', burst: 20, inFlight: 6, what: '/function/project-to-olap/query/<name>' },
} as const satisfies Record<string, RateLimit>;

export type RateLimitName = keyof typeof rateLimits;

/** Seconds until one more request fits once the bucket is empty: what Retry-After says. */
export function retryAfterSeconds(limit: RateLimit): number {
  return Math.ceil((limit.period === '1m' ? 60 : 1) / limit.average);
}
