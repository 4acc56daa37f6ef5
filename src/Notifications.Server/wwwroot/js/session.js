// Where a page's token comes from: the URL fragment (`#token=…`, taken and removed from the address
// bar so it is not bookmarked or shared), then this tab's session, then, in Development only, the
// hub's token endpoint.

/** Takes `#token=…` from the address bar into this tab's session; returns the token the tab holds. */
export function takeTokenFromAddress(sessionKey) {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get("token");
  if (token) {
    sessionStorage.setItem(sessionKey, token);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem(sessionKey);
}

/**
 * Takes `#device=…` (an enrolled screen's secret) from the address bar into this browser's storage,
 * where it stays across restarts; returns the secret the browser holds, or null.
 */
export function takeDeviceSecretFromAddress(storageKey) {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const secret = fragment.get("device");
  if (secret) {
    localStorage.setItem(storageKey, secret);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return localStorage.getItem(storageKey);
}

/** The hub refused the device's secret: it was revoked (or never enrolled). */
export class SignedOutError extends Error {
  constructor() {
    super("This screen was signed out.");
    // As a refused token reads to the stream: it stops instead of retrying.
    this.statusCode = 401;
  }
}

/**
 * An enrolled screen's access tokens: exchanged for its secret (`POST /auth/device-token`), reused
 * while they have time left, and exchanged again before they expire. `onRenewDue` is called when the
 * current one is about to expire, so that the page can reconnect with the next one in time.
 */
export class DeviceSession {
  #secret;
  #current = null;
  #timer = null;

  constructor(secret) {
    this.#secret = secret;
    this.onRenewDue = null;
  }

  /** Forgets the current token: the next `token()` exchanges the secret again. */
  invalidate() {
    this.#current = null;
  }

  /** A token with time left; throws SignedOutError when the hub refuses the secret. */
  async token() {
    if (this.#current !== null && this.#current.renewAt > Date.now()) {
      return this.#current.accessToken;
    }
    const response = await fetch("/auth/device-token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ secret: this.#secret }),
    });
    if (response.status === 401) {
      throw new SignedOutError();
    }
    if (!response.ok) {
      throw new Error(`The hub answered ${response.status} to this screen's sign-in.`);
    }
    const { accessToken } = await response.json();
    // Its lifetime from the token's own iat and exp (the hub's clock), counted on this screen's clock:
    // a screen whose clock is off would otherwise keep an expired token, or renew without end.
    const { iat, exp } = readClaims(accessToken);
    const lifetime = (exp - iat) * 1000;
    // Renewed when a third of its life is left (5 minutes of 15): a tab hidden for a while runs its
    // timers at most once a minute, and the renewal must still come before the expiry.
    const renewAt = Date.now() + (lifetime * 2) / 3;
    this.#current = { accessToken, renewAt };
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.onRenewDue?.(), Math.max(0, renewAt - Date.now()));
    return accessToken;
  }
}

/** The claims of a JWT, read without checking it: the hub checks it, the page only shows who it is. */
export function readClaims(token) {
  const payload = token.split(".")[1] ?? "";
  const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "="));
  const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
  const list = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  return { sub: claims.sub, stores: list(claims.store), regions: list(claims.region), roles: list(claims.role), iat: claims.iat, exp: claims.exp };
}

/** The error a Development token request failed with, shaped like problem details. */
export class TokenRequestError extends Error {
  constructor(message, errors = {}) {
    super(message);
    this.errors = errors;
  }
}

/** Mints a token from `POST /dev/token`, which the hub maps in Development only. */
export async function mintDevelopmentToken(request) {
  const response = await fetch("/dev/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(request),
  });
  if (response.status === 404) {
    throw new TokenRequestError("This hub mints tokens only in Development. Open this page with a link that carries a token: …#token=…");
  }
  if (!response.ok) {
    const problem = await response.json();
    throw new TokenRequestError(problem.title ?? `The token request failed (${response.status}).`, problem.errors ?? {});
  }
  return (await response.json()).token;
}

/** hh:mm in the screen's own locale. */
export function clockTime(date) {
  return new Date(date).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** Says a connection state in words, for the badge. */
export function describeConnection({ state, attempt, offlineSince }) {
  switch (state) {
    case "connected":
      return { key: "connected", text: "Connected" };
    case "connecting":
      return { key: "connecting", text: attempt > 0 ? `Connecting… (attempt ${attempt + 1})` : "Connecting…" };
    case "reconnecting":
      // A blip reads as "reconnecting"; after a few failed attempts it is an outage, said with its start.
      return attempt <= 3
        ? { key: "reconnecting", text: `Reconnecting… (attempt ${attempt})` }
        : { key: "offline", text: `Offline since ${clockTime(offlineSince)}, retrying (attempt ${attempt})` };
    case "unauthorized":
      return { key: "unauthorized", text: "This screen was signed out" };
    default:
      return { key: "stopped", text: "Not connected" };
  }
}
