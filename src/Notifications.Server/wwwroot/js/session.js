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

/** The claims of a JWT, read without checking it: the hub checks it, the page only shows who it is. */
export function readClaims(token) {
  const payload = token.split(".")[1] ?? "";
  const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "="));
  const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
  const list = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  return { sub: claims.sub, stores: list(claims.store), regions: list(claims.region), roles: list(claims.role), exp: claims.exp };
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
      return { key: "unauthorized", text: "Signed out: the hub refused this page's token" };
    default:
      return { key: "stopped", text: "Not connected" };
  }
}
