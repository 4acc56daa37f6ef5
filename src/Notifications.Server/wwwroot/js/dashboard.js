// The store dashboard: every notification for this screen's store, newest first; what needs
// handling pinned on top until it is handled, with the time left to acknowledge it; the connection
// said in words; catch-up after outages; what head office withdraws taken off the screen.
import { NotificationStream, compareIds, fetchClientSettings } from "/lib/notifications.js";
import { clearFieldErrors, showFieldError } from "/js/forms.js";
import {
  clockTime,
  describeConnection,
  DeviceSession,
  mintDevelopmentToken,
  readClaims,
  SignedOutError,
  takeDeviceSecretFromAddress,
  takeTokenFromAddress,
  TokenRequestError,
} from "/js/session.js";

const tokenKey = "dashboard.token";
const deviceKey = "dashboard.device";
const pickKey = "dashboard.pick";
const kept = 200;
// Titles the withdrawal note names before it says "and N more".
const namedWithdrawals = 3;
const $ = (id) => document.getElementById(id);

const board = {
  sub: null,
  claims: null,
  stream: null,
  opened: false,
  tokenFactory: null,
  device: null,
  notifications: new Map(),
  handled: new Set(),
  // Titles withdrawn since the note was last dismissed, oldest first.
  withdrawnTitles: [],
  get storageKey() {
    return `dashboard.${this.sub}`;
  },
};

await main();

async function main() {
  const secret = takeDeviceSecretFromAddress(deviceKey);
  if (secret) {
    await openDevice(secret);
    return;
  }
  const token = takeTokenFromAddress(tokenKey);
  if (token) {
    await open(() => token, readClaims(token));
    return;
  }
  const pick = JSON.parse(sessionStorage.getItem(pickKey) ?? "null");
  if (pick) {
    try {
      await openPicked(pick);
      return;
    } catch (error) {
      // The hub is unreachable or refuses: let the person pick again.
      $("sign-in-error").textContent = `Could not open ${pick.store}: ${error.message}`;
    }
  }
  $("sign-in").hidden = false;
  $("store-picker").addEventListener("submit", onPick);
}

async function onPick(event) {
  event.preventDefault();
  clearErrors();
  const store = $("store").value.trim();
  const region = $("region").value.trim();
  if (!store) {
    showFieldError("store", "Enter the store's id, for example fr-0042.");
    return;
  }
  const submit = event.submitter;
  submit.disabled = true;
  try {
    sessionStorage.setItem(pickKey, JSON.stringify({ store, region }));
    await openPicked({ store, region });
  } catch (error) {
    sessionStorage.removeItem(pickKey);
    submit.disabled = false;
    if (!(error instanceof TokenRequestError)) {
      $("sign-in-error").textContent = `The hub cannot be reached: ${error.message}`;
      return;
    }
    showFieldError("store", error.errors.stores?.join(" ") ?? error.errors.sub?.join(" "));
    showFieldError("region", error.errors.regions?.join(" "));
    $("sign-in-error").textContent = error.message;
  }
}

/**
 * An enrolled screen: tokens from its secret, each renewed before it expires (the stream reconnects
 * with the next one and resumes), for as long as the device is not revoked.
 */
async function openDevice(secret) {
  const session = new DeviceSession(secret);
  let first;
  for (let attempt = 1; first === undefined; attempt++) {
    try {
      first = await session.token();
    } catch (error) {
      if (error instanceof SignedOutError) {
        signedOut();
        return;
      }
      // The hub is unreachable: say so and keep trying, as the stream would.
      $("action-error").textContent = `The hub cannot be reached (${error.message}); retrying…`;
      await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1_000 * 2 ** attempt)));
    }
  }
  $("action-error").textContent = "";
  session.onRenewDue = () => board.stream?.renew();
  board.device = session;
  await open(() => session.token(), readClaims(first));
}

/**
 * The hub refused this screen's token. Only the exchange can say the device was revoked: a token
 * can also be refused after the hub's key changed, and then a fresh one works.
 */
async function recheckDevice() {
  // At most once in 30 s: a hub that keeps refusing fresh tokens must not be asked in a loop.
  const wait = (board.lastRecheck ?? 0) + 30_000 - Date.now();
  board.lastRecheck = Date.now() + Math.max(0, wait);
  if (wait > 0) {
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  board.device.invalidate();
  try {
    await board.device.token();
  } catch (error) {
    if (error instanceof SignedOutError) {
      signedOut();
      return;
    }
  }
  await board.stream.start();
}

function signedOut() {
  localStorage.removeItem(deviceKey);
  $("board").hidden = true;
  $("sign-in").hidden = true;
  $("signed-out").hidden = false;
}

/** A Development screen: a fresh token for every (re)connect, so an expired one never stops it. */
async function openPicked({ store, region }) {
  const request = { sub: `screen-${store}`, stores: [store], regions: region ? [region] : [], roles: ["dashboard"] };
  const first = await mintDevelopmentToken(request);
  let next = first;
  const factory = async () => {
    const token = next ?? (await mintDevelopmentToken(request));
    next = null;
    return token;
  };
  await open(factory, readClaims(first));
}

async function open(accessTokenFactory, claims) {
  if (board.opened) {
    return; // already open: a second submit must not start a second stream
  }
  board.opened = true;
  board.sub = claims.sub;
  board.claims = claims;
  board.tokenFactory = accessTokenFactory;
  $("sign-in").hidden = true;
  $("board").hidden = false;
  $("who").textContent = [...claims.stores, ...claims.regions].join(" · ") || claims.sub;
  restore();
  render();

  board.stream = new NotificationStream({
    accessTokenFactory,
    storageKey: `notifications.cursor.${claims.sub}`,
    ...(await fetchClientSettings()),
  });
  board.stream.addEventListener("statechange", (event) => showConnection(event.detail));
  board.stream.addEventListener("notification", (event) => add(event.detail.notification));
  board.stream.addEventListener("acknowledged", (event) => markHandled(event.detail.id));
  board.stream.addEventListener("withdrawn", (event) => removeWithdrawn(event.detail.id));
  board.stream.addEventListener("resumed", (event) => showMissed(event.detail.missed));
  board.stream.addEventListener("reloadrequired", () => ($("reload-needed").hidden = false));
  $("dismiss-missed").addEventListener("click", () => ($("missed").hidden = true));
  $("dismiss-withdrawn").addEventListener("click", dismissWithdrawn);
  // Once a second: the countdowns count seconds in their last minute. A hidden tab's throttled timers
  // only make them late while nobody looks, and the first tick after it is shown again puts them right.
  setInterval(updateDeadlines, 1_000);
  $("reload").addEventListener("click", reloadFromHistory);
  await board.stream.start();
}

function add(notification) {
  board.notifications.set(notification.id, notification);
  save();
  render();
}

function markHandled(id) {
  board.handled.add(id);
  save();
  render();
}

/** Head office withdrew it: off the screen, and the store is told which one left. */
function removeWithdrawn(id) {
  const notification = board.notifications.get(id);
  if (notification === undefined) {
    // Never shown on this screen (another store's, or older than what it keeps): nothing left to say.
    return;
  }
  board.notifications.delete(id);
  save();
  render();
  board.withdrawnTitles.push(notification.title);
  const titles = board.withdrawnTitles.map((title) => `“${title}”`);
  const named = titles.slice(-namedWithdrawals).join(", ");
  const more = titles.length > namedWithdrawals ? ` and ${titles.length - namedWithdrawals} more` : "";
  $("withdrawn-text").textContent = `Withdrawn by head office: ${named}${more}. No need to act on ${titles.length > 1 ? "them" : "it"}.`;
  $("withdrawn-note").hidden = false;
}

function dismissWithdrawn() {
  board.withdrawnTitles = [];
  $("withdrawn-note").hidden = true;
}

function needsAction(notification) {
  return !board.handled.has(notification.id) && (notification.requiresAck || notification.severity === "critical");
}

function render() {
  const all = [...board.notifications.values()].sort((a, b) => compareIds(b.id, a.id));
  // Pinned until handled: critical first, then warnings, newest first within each.
  const pending = all.filter(needsAction).sort((a, b) => rank(a) - rank(b) || compareIds(b.id, a.id));
  const others = all.filter((n) => !needsAction(n));
  $("needs-action").replaceChildren(...pending.map((n) => card(n, true)));
  $("feed").replaceChildren(...others.map((n) => card(n, false)));
  $("nothing-pending").hidden = pending.length > 0;
  $("nothing-yet").hidden = others.length > 0;
  updateDeadlines();
}

function rank(notification) {
  return { critical: 0, warning: 1 }[notification.severity] ?? 2;
}

function card(notification, actionable) {
  const item = document.createElement("li");
  item.className = `notification severity-${notification.severity}`;
  item.dataset.id = notification.id;
  const severity = element("p", "severity", notification.severity[0].toUpperCase() + notification.severity.slice(1));
  const title = element("h3", "title", notification.title);
  title.id = `${actionable ? "action" : "feed"}-title-${notification.id}`;
  const meta = element("p", "meta", `${clockTime(notification.createdAt)} · ${notification.type}`);
  item.append(severity, title);
  if (notification.body) {
    item.append(element("p", "body", notification.body));
  }
  item.append(meta);
  const due = actionable && notification.requiresAck && notification.ackDeadline ? deadlineLine(notification) : null;
  if (due !== null) {
    item.append(due);
  }
  if (board.handled.has(notification.id)) {
    item.append(element("p", "handled", notification.requiresAck ? "Acknowledged" : "Handled"));
  } else if (actionable) {
    const button = element("button", "act", notification.requiresAck ? "Acknowledge" : "Mark as handled");
    button.type = "button";
    button.setAttribute("aria-describedby", due === null ? title.id : `${title.id} ${due.id}`);
    button.addEventListener("click", () => handle(notification, button));
    item.append(button);
  }
  return item;
}

/** The line that counts down to the deadline; `updateDeadlines` writes and rewrites its text. */
function deadlineLine(notification) {
  const line = element("p", "due", "");
  line.id = `due-${notification.id}`;
  line.dataset.deadline = notification.ackDeadline;
  return line;
}

/** Every countdown on the screen, from this screen's clock; a card whose deadline passed turns red and says so. */
function updateDeadlines() {
  const now = Date.now();
  for (const line of document.querySelectorAll(".due[data-deadline]")) {
    const { text, overdue } = describeDeadline(line.dataset.deadline, now);
    if (line.textContent !== text) {
      line.textContent = text;
    }
    line.classList.toggle("overdue", overdue);
    line.closest(".notification").classList.toggle("overdue", overdue);
  }
}

/** "Due in 12 min (by 08:15)", seconds in the last minute, then "Overdue since 08:15": in words, not only in red. */
function describeDeadline(deadline, now) {
  const left = new Date(deadline).getTime() - now;
  if (left <= 0) {
    return { overdue: true, text: `Overdue since ${clockTime(deadline)}` };
  }
  if (left < 60_000) {
    return { overdue: false, text: `Due in ${Math.ceil(left / 1_000)} s (by ${clockTime(deadline)})` };
  }
  // Rounded up: "due in 12 min" never promises more time than is left.
  const minutes = Math.ceil(left / 60_000);
  if (minutes < 60) {
    return { overdue: false, text: `Due in ${minutes} min (by ${clockTime(deadline)})` };
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return { overdue: false, text: `Due in ${hours} h${rest > 0 ? ` ${rest} min` : ""} (by ${clockTime(deadline)})` };
  }
  // Days ahead (a deadline may be a week away): the day and time say more than a count of hours.
  const when = new Date(deadline).toLocaleString([], { weekday: "long", hour: "2-digit", minute: "2-digit" });
  return { overdue: false, text: `Due by ${when}` };
}

async function handle(notification, button) {
  $("action-error").textContent = "";
  if (!notification.requiresAck) {
    // Nothing to tell the hub: the screen's own list is all that changes.
    markHandled(notification.id);
    return;
  }
  button.disabled = true;
  try {
    await board.stream.acknowledge(notification.id);
    markHandled(notification.id);
  } catch (error) {
    button.disabled = false;
    $("action-error").textContent = `Could not acknowledge "${notification.title}": ${error.message}`;
  }
}

function showConnection(detail) {
  const { key, text } = describeConnection(detail);
  const badge = $("connection");
  badge.dataset.state = key;
  badge.textContent = text;
  if (detail.state === "unauthorized") {
    sessionStorage.removeItem(tokenKey);
    if (board.device) {
      recheckDevice();
      return;
    }
    $("action-error").textContent = "This page's token was refused or has expired: open the dashboard again with a new link.";
  }
}

function showMissed(missed) {
  if (missed === 0) {
    return;
  }
  $("missed-text").textContent = `${missed} missed while offline`;
  $("missed").hidden = false;
}

/** After `recovered: false`: read what the hub still retains for this screen's audiences. */
async function reloadFromHistory() {
  $("action-error").textContent = "";
  const since = `${Date.now() - 24 * 60 * 60 * 1000}-0`;
  // The audiences a store screen may read back: its stores, its regions and everyone's.
  const audiences = ["all", ...board.claims.stores.map((s) => `store:${s}`), ...board.claims.regions.map((r) => `region:${r}`)];
  try {
    const token = await board.tokenFactory();
    for (const audience of audiences) {
      let after = since;
      for (;;) {
        const query = new URLSearchParams({ audience, after, limit: "1000" });
        const response = await fetch(`/api/notifications?${query}`, { headers: { Authorization: `Bearer ${token}` } });
        if (!response.ok) {
          $("action-error").textContent = `Could not reload ${audience}: the hub answered ${response.status}.`;
          return;
        }
        const page = await response.json();
        // History keeps what was withdrawn, marked so: a store does not see it again.
        for (const notification of page.items.filter((n) => !n.withdrawnAt && !board.stream.isWithdrawn(n.id))) {
          board.notifications.set(notification.id, notification);
        }
        if (page.items.length < 1000 || page.lastId === null) {
          break;
        }
        after = page.lastId;
      }
    }
  } catch (offline) {
    $("action-error").textContent = `Could not reload now: ${offline.message}. Try again when the badge says Connected.`;
    return;
  }
  $("reload-needed").hidden = true;
  save();
  render();
}

function restore() {
  const saved = JSON.parse(localStorage.getItem(board.storageKey) ?? "null");
  for (const notification of saved?.notifications ?? []) {
    board.notifications.set(notification.id, notification);
  }
  for (const id of saved?.handled ?? []) {
    board.handled.add(id);
  }
}

function save() {
  const newest = [...board.notifications.values()].sort((a, b) => compareIds(b.id, a.id));
  // Keep the newest, and whatever still needs action however old it is.
  const keep = newest.filter((n, index) => index < kept || needsAction(n));
  board.notifications = new Map(keep.map((n) => [n.id, n]));
  board.handled = new Set([...board.handled].filter((id) => board.notifications.has(id)));
  localStorage.setItem(board.storageKey, JSON.stringify({ notifications: keep, handled: [...board.handled] }));
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

function clearErrors() {
  clearFieldErrors(["store", "region"]);
  $("sign-in-error").textContent = "";
}
