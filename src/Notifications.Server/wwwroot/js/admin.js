// The admin console: compose and send (with a deadline to acknowledge by and who hears when it is
// missed), follow acknowledgements and missed deadlines live, withdraw, see who is online.
import { NotificationStream, compareIds, fetchClientSettings } from "/lib/notifications.js";
import { clearFieldErrors, showFieldError } from "/js/forms.js";
import { clockTime, describeConnection, mintDevelopmentToken, readClaims, takeTokenFromAddress, TokenRequestError } from "/js/session.js";
import { openDevices } from "/js/admin-devices.js";

const tokenKey = "admin.token";
const recentKey = "admin.recent";
const shownRecent = 20;
const presenceEveryMs = 5_000;
const fields = ["title", "body", "severity", "type", "ttl", "target-ids", "ack-within", "escalate-ids"];
// Where each of the server's field errors is shown; anything else is shown under the Send button.
const fieldOf = {
  title: "title",
  body: "body",
  severity: "severity",
  type: "type",
  ttlSeconds: "ttl",
  expiresAt: "ttl",
  ackDeadlineSeconds: "ack-within",
  escalateTo: "escalate-ids",
};
// The type of the notification the hub sends when stores miss a deadline; its relatesTo is the original.
const escalationType = "ack-overdue";
const $ = (id) => document.getElementById(id);

const admin = { token: null, statuses: new Map(), openPending: new Set(), deadlineTimers: new Map() };

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
  $("escalate-kind").addEventListener("change", syncEscalation);
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
  stream.addEventListener("notification", (event) => onNotification(event.detail.notification));
  stream.addEventListener("withdrawn", (event) => refresh(event.detail.id));
  // Whatever was missed while disconnected, acknowledgements included, is read again.
  stream.addEventListener("resumed", () => refreshAll());
  setInterval(refreshPresence, presenceEveryMs);
  refreshAll();
  await stream.start();
}

/** The hub sent this console a notification: list it; an escalation also marks its original overdue at once. */
function onNotification(notification) {
  if (notification.type === escalationType && notification.relatesTo) {
    markOverdue(notification);
  }
  track(notification.id);
}

/**
 * Marks the original of an escalation overdue with the stores that had not acknowledged at the
 * deadline, then reads its status again, which may have changed since (a store acknowledging late).
 */
function markOverdue(escalation) {
  const original = admin.statuses.get(escalation.relatesTo);
  if (original === undefined) {
    return; // not in this console's list
  }
  admin.statuses.set(original.id, {
    ...original,
    overdue: true,
    escalationId: escalation.id,
    pendingStores: escalation.data?.pendingStores ?? original.pendingStores,
  });
  renderRecent();
  refresh(original.id);
}

/** The escalation's ids mean something only when someone other than the admins is named. */
function syncEscalation() {
  const toAdmins = $("escalate-kind").value === "admins";
  $("escalate-ids").disabled = toAdmins;
  if (toAdmins) {
    $("escalate-ids").value = "";
    showFieldError("escalate-ids", "");
  }
}

async function send(event) {
  event.preventDefault();
  clearFieldErrors(fields);
  $("send-result").textContent = "";
  if ($("ack-within").validity.badInput) {
    // The browser keeps what is not a number to itself (the value reads empty): say so rather than send no deadline.
    showFieldError("ack-within", "Enter a number of minutes, for example 15, or leave it empty for no deadline.");
    $("send-result").dataset.outcome = "refused";
    $("send-result").textContent = "Not sent: correct the fields marked.";
    return;
  }
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
      syncEscalation();
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
  const target = kind === "all" ? { all: true } : { [kind]: idList($("target-ids").value) };
  const minutes = $("ttl").value.trim();
  const within = $("ack-within").value.trim();
  const escalateKind = $("escalate-kind").value;
  return {
    type: $("type").value.trim(),
    title: $("title").value,
    body: $("body").value || null,
    severity: $("severity").value,
    target,
    requiresAck: $("requires-ack").checked,
    ...(minutes === "" ? {} : { ttlSeconds: Number(minutes) * 60 }),
    // Minutes may be fractional (1.5); the hub counts whole seconds.
    ...(within === "" ? {} : { ackDeadlineSeconds: Math.round(Number(within) * 60) }),
    // The hub escalates to the admins when it is not told otherwise.
    ...(escalateKind === "admins" ? {} : { escalateTo: { [escalateKind]: idList($("escalate-ids").value) } }),
  };
}

/** Ids as the form takes them: separated by commas, blanks ignored. */
function idList(text) {
  return text.split(",").map((id) => id.trim()).filter((id) => id.length > 0);
}

async function showProblem(response) {
  const problem = response.headers.get("Content-Type")?.includes("json") ? await response.json() : {};
  const general = [];
  for (const [key, messages] of Object.entries(problem.errors ?? {})) {
    const field = fieldOf[key] ?? (key.startsWith("target") ? "target-ids" : key.startsWith("escalateTo") ? "escalate-ids" : null);
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
    watchDeadline({ id });
  } else if (response.ok) {
    const status = await response.json();
    admin.statuses.set(id, status);
    watchDeadline(status);
  } else {
    $("send-result").textContent = `Could not read ${id}: the hub answered ${response.status}.`;
    return;
  }
  renderRecent();
}

/**
 * Reads the status again just after its deadline, so the Overdue badge appears when the deadline
 * passes even if the escalation goes to others than the admins. The hub says overdue from the
 * deadline on, judged by its clock: at least a second between reads, so a console whose clock runs
 * ahead of the hub's asks once a second until the hub agrees, not in a tight loop.
 */
function watchDeadline(status) {
  clearTimeout(admin.deadlineTimers.get(status.id));
  admin.deadlineTimers.delete(status.id);
  if (!status.ackDeadline || status.overdue || status.withdrawnAt || status.pendingStores.length === 0) {
    return;
  }
  const wait = Math.max(1_000, new Date(status.ackDeadline).getTime() - Date.now() + 250);
  admin.deadlineTimers.set(status.id, setTimeout(() => refresh(status.id), wait));
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
  item.append(title, meta);
  if (status.ackDeadline) {
    const to = describeTarget(status.escalateTo ?? { roles: ["admin"] });
    item.append(Object.assign(document.createElement("p"), {
      className: "meta deadline",
      textContent: `Deadline ${clockTime(status.ackDeadline)} · escalates to ${to}`,
    }));
  }
  if (status.withdrawnAt) {
    item.classList.add("withdrawn");
    item.append(Object.assign(document.createElement("p"), { className: "withdrawn-label", textContent: `Withdrawn at ${clockTime(status.withdrawnAt)}` }));
  } else if (status.overdue) {
    item.classList.add("overdue");
    item.append(overdueBadge(status));
  }
  item.append(label, bar, pending);
  if (!status.withdrawnAt) {
    item.append(withdrawButton(status));
  }
  return item;
}

/** "Overdue" in words (not only in red), with the stores that still have not acknowledged. */
function overdueBadge(status) {
  const badge = document.createElement("p");
  badge.className = "overdue-badge";
  badge.append(Object.assign(document.createElement("strong"), { textContent: "Overdue" }));
  const stores = status.pendingStores;
  badge.append(stores.length > 0 ? `: not acknowledged by ${stores.join(", ")}` : ": every store has acknowledged since");
  return badge;
}

function withdrawButton(status) {
  const button = Object.assign(document.createElement("button"), { type: "button", className: "danger", textContent: "Withdraw" });
  button.setAttribute("aria-label", `Withdraw ${status.title}`);
  button.addEventListener("click", () => withdraw(status, button));
  return button;
}

/** After the admin confirms: DELETE, then the list shows it withdrawn (the hub's live `withdrawn` says so too). */
async function withdraw(status, button) {
  $("recent-error").textContent = "";
  if (!confirm(`Withdraw "${status.title}"? Store screens take it off at once, and a missed deadline is no longer escalated.`)) {
    return;
  }
  button.disabled = true;
  let response;
  try {
    response = await api(`/api/notifications/${encodeURIComponent(status.id)}`, { method: "DELETE" });
  } catch (offline) {
    button.disabled = false;
    $("recent-error").textContent = `Not withdrawn: the hub cannot be reached (${offline.message}). Try again when the badge says Connected.`;
    return;
  }
  if (response.status !== 204 && response.status !== 404) {
    button.disabled = false;
    $("recent-error").textContent = `Could not withdraw "${status.title}": the hub answered ${response.status}.`;
    return;
  }
  // 204: read back as withdrawn. 404: no longer retained, and the read drops it from the list.
  await refresh(status.id);
}

/** Targeted stores acknowledged, of all targeted: the hub says which are which (the rule lives there). */
function progress(status) {
  const done = (status.acknowledgedStores ?? []).length;
  return { done, total: done + status.pendingStores.length };
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
