// The admin console: compose and send, follow acknowledgements live, see who is online.
import { NotificationStream, compareIds, fetchClientSettings } from "/lib/notifications.js";
import { clearFieldErrors, showFieldError } from "/js/forms.js";
import { clockTime, describeConnection, mintDevelopmentToken, readClaims, takeTokenFromAddress, TokenRequestError } from "/js/session.js";
import { openDevices } from "/js/admin-devices.js";

const tokenKey = "admin.token";
const recentKey = "admin.recent";
const shownRecent = 20;
const presenceEveryMs = 5_000;
const fields = ["title", "body", "severity", "type", "ttl", "target-ids"];
// Where each of the server's field errors is shown; anything else is shown under the Send button.
const fieldOf = { title: "title", body: "body", severity: "severity", type: "type", ttlSeconds: "ttl", expiresAt: "ttl" };
const $ = (id) => document.getElementById(id);

const admin = { token: null, statuses: new Map(), openPending: new Set() };

await main();

async function main() {
  const token = takeTokenFromAddress(tokenKey);
  if (token) {
    await open(token);
    return;
  }
  $("sign-in").hidden = false;
  $("sign-in-dev").addEventListener("click", async (event) => {
    $("sign-in-error").textContent = "";
    event.currentTarget.disabled = true;
    try {
      const minted = await mintDevelopmentToken({ sub: "admin-console", roles: ["admin"] });
      sessionStorage.setItem(tokenKey, minted);
      await open(minted);
    } catch (error) {
      $("sign-in-error").textContent = error instanceof TokenRequestError ? error.message : `The hub cannot be reached: ${error.message}`;
      $("sign-in-dev").disabled = false;
    }
  });
}

async function open(token) {
  if (admin.token !== null) {
    return; // already open: a second click must not add a second stream and a second Send
  }
  admin.token = token;
  const claims = readClaims(token);
  $("who").textContent = claims.sub;
  $("sign-in").hidden = true;
  for (const section of ["compose-section", "recent-section", "presence-section"]) {
    $(section).hidden = false;
  }
  $("compose").addEventListener("submit", send);
  openDevices(api);

  const stream = new NotificationStream({
    accessTokenFactory: () => admin.token,
    storageKey: `notifications.cursor.${claims.sub}`,
    ...(await fetchClientSettings()),
  });
  stream.addEventListener("statechange", (event) => {
    const { key, text } = describeConnection(event.detail);
    $("connection").dataset.state = key;
    $("connection").textContent = text;
    if (event.detail.state === "connected") {
      // This console is one of the connections: count it as soon as it is.
      refreshPresence();
    }
  });
  stream.addEventListener("acknowledged", (event) => refresh(event.detail.id));
  stream.addEventListener("notification", (event) => track(event.detail.notification.id));
  // Whatever was missed while disconnected, acknowledgements included, is read again.
  stream.addEventListener("resumed", () => refreshAll());
  setInterval(refreshPresence, presenceEveryMs);
  refreshAll();
  await stream.start();
}

async function send(event) {
  event.preventDefault();
  clearFieldErrors(fields);
  $("send-result").textContent = "";
  const button = event.submitter;
  button.disabled = true;
  try {
    let response;
    try {
      response = await api("/api/notifications", {
        method: "POST",
        // One key per press of Send: a retry of the same press is never sent twice.
        headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
        body: JSON.stringify(draft()),
      });
    } catch (offline) {
      $("send-result").dataset.outcome = "refused";
      $("send-result").textContent = `Not sent: the hub cannot be reached (${offline.message}). Send again when the badge says Connected.`;
      return;
    }
    if (response.status === 202) {
      const { id } = await response.json();
      $("send-result").dataset.outcome = "sent";
      $("send-result").textContent = `Sent: ${id}`;
      $("compose").reset();
      await track(id);
      return;
    }
    await showProblem(response);
  } finally {
    button.disabled = false;
  }
}

function draft() {
  const kind = document.querySelector('input[name="target-kind"]:checked').value;
  const ids = $("target-ids").value.split(",").map((id) => id.trim()).filter((id) => id.length > 0);
  const target = kind === "all" ? { all: true } : { [kind]: ids };
  const minutes = $("ttl").value.trim();
  return {
    type: $("type").value.trim(),
    title: $("title").value,
    body: $("body").value || null,
    severity: $("severity").value,
    target,
    requiresAck: $("requires-ack").checked,
    ...(minutes === "" ? {} : { ttlSeconds: Number(minutes) * 60 }),
  };
}

async function showProblem(response) {
  const problem = response.headers.get("Content-Type")?.includes("json") ? await response.json() : {};
  const general = [];
  for (const [key, messages] of Object.entries(problem.errors ?? {})) {
    const field = fieldOf[key] ?? (key.startsWith("target") ? "target-ids" : null);
    if (field) {
      showFieldError(field, messages.join(" "));
    } else {
      general.push(`${key}: ${messages.join(" ")}`);
    }
  }
  $("send-result").dataset.outcome = "refused";
  const summary = problem.errors ? "Not sent: correct the fields marked." : `Not sent: ${problem.detail ?? problem.title ?? response.status}.`;
  $("send-result").textContent = [summary, ...general].join(" ");
}

/** Adds a notification to the recent list and reads its status. */
async function track(id) {
  const recent = JSON.parse(localStorage.getItem(recentKey) ?? "[]").filter((known) => known !== id);
  recent.unshift(id);
  localStorage.setItem(recentKey, JSON.stringify(recent.slice(0, shownRecent)));
  await refresh(id);
}

async function refreshAll() {
  const recent = JSON.parse(localStorage.getItem(recentKey) ?? "[]");
  await Promise.all(recent.map((id) => refresh(id)));
}

async function refresh(id) {
  const recent = JSON.parse(localStorage.getItem(recentKey) ?? "[]");
  if (!recent.includes(id)) {
    return;
  }
  let response;
  try {
    response = await api(`/api/notifications/${encodeURIComponent(id)}`);
  } catch (offline) {
    // Read again on the next reconnect (the resumed event).
    $("send-result").textContent = `Could not read ${id} now: ${offline.message}`;
    return;
  }
  if (response.status === 404) {
    // No longer retained: drop it from the list.
    localStorage.setItem(recentKey, JSON.stringify(recent.filter((known) => known !== id)));
    admin.statuses.delete(id);
  } else if (response.ok) {
    admin.statuses.set(id, await response.json());
  } else {
    $("send-result").textContent = `Could not read ${id}: the hub answered ${response.status}.`;
    return;
  }
  renderRecent();
}

function renderRecent() {
  const statuses = [...admin.statuses.values()].sort((a, b) => compareIds(b.id, a.id)).slice(0, shownRecent);
  $("recent").replaceChildren(...statuses.map(recentItem));
  $("nothing-sent").hidden = statuses.length > 0;
}

function recentItem(status) {
  const item = document.createElement("li");
  item.className = `recent-item severity-${status.severity}`;
  item.dataset.id = status.id;
  const title = document.createElement("h3");
  title.textContent = status.title;
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = `${clockTime(status.createdAt)} · ${status.severity} · to ${describeTarget(status.target)}${status.requiresAck ? " · acknowledgement required" : ""}`;

  const { done, total } = progress(status);
  const label = document.createElement("p");
  label.className = "progress-label";
  label.id = `progress-${status.id}`;
  label.textContent = `${done} of ${total} stores acknowledged`;
  const bar = document.createElement("progress");
  bar.max = Math.max(total, 1);
  bar.value = done;
  bar.setAttribute("aria-labelledby", label.id);

  const pending = document.createElement("details");
  pending.className = "pending";
  const summary = document.createElement("summary");
  summary.textContent = `Not yet acknowledged (${status.pendingStores.length})`;
  const list = document.createElement("ul");
  list.replaceChildren(...status.pendingStores.map((store) => Object.assign(document.createElement("li"), { textContent: store })));
  pending.append(summary, list);
  // The list is redrawn on every acknowledgement: keep it open if the admin opened it.
  pending.open = admin.openPending.has(status.id);
  pending.addEventListener("toggle", () => (pending.open ? admin.openPending.add(status.id) : admin.openPending.delete(status.id)));
  item.append(title, meta, label, bar, pending);
  return item;
}

/** Stores acknowledged against stores targeted: named stores, or the known stores of regions and `all`. */
function progress(status) {
  const acknowledged = new Set(status.acknowledgements.flatMap((a) => a.stores));
  const named = status.target.stores ?? [];
  if (named.length > 0 && !status.target.all && (status.target.regions ?? []).length === 0) {
    return { done: named.filter((store) => acknowledged.has(store)).length, total: named.length };
  }
  const pending = status.pendingStores.filter((store) => !acknowledged.has(store));
  return { done: acknowledged.size, total: acknowledged.size + pending.length };
}

function describeTarget(target) {
  if (target.all) {
    return "all stores";
  }
  const parts = [];
  for (const kind of ["stores", "regions", "users", "roles"]) {
    if ((target[kind] ?? []).length > 0) {
      parts.push(`${kind} ${target[kind].join(", ")}`);
    }
  }
  return parts.join("; ");
}

async function refreshPresence() {
  let response;
  try {
    response = await api("/api/presence");
  } catch (offline) {
    // The hub is unreachable for now; the badge says so, and the next tick tries again.
    $("presence-summary").textContent = `Presence unavailable: ${offline.message}`;
    return;
  }
  if (!response.ok) {
    $("presence-summary").textContent = `Presence unavailable: the hub answered ${response.status}.`;
    return;
  }
  const presence = await response.json();
  const stores = Object.entries(presence.stores).sort(([a], [b]) => a.localeCompare(b));
  const nodes = Object.entries(presence.nodes).map(([node, count]) => `${node}: ${count}`).join(", ");
  $("presence-summary").textContent =
    `${presence.connections} connections, ${stores.length} stores online${nodes ? ` (nodes ${nodes})` : ""}.`;
  $("presence-stores").tBodies[0].replaceChildren(...stores.map(([store, count]) => {
    const row = document.createElement("tr");
    row.dataset.store = store;
    row.append(Object.assign(document.createElement("td"), { textContent: store }), Object.assign(document.createElement("td"), { textContent: String(count) }));
    return row;
  }));
}

function api(path, init = {}) {
  return fetch(path, { ...init, headers: { ...init.headers, Authorization: `Bearer ${admin.token}` } });
}
