// The hub's JS client: one SignalR connection that never gives up, resumes after every reconnect
// from the greatest id seen (kept in localStorage, so a reloaded page catches up too), drops
// duplicates and delivers each notification once, and never one head office has withdrawn. Pages
// listen to its events. The resume rules it follows, numbered below as (1)…(8), are the README's
// "Client resume rules"; the .NET SDK follows the same ones.
import { HubConnectionBuilder, HubConnectionState, LogLevel } from "@microsoft/signalr";

const defaults = Object.freeze({
  url: "/hubs/notifications",
  storage: globalThis.localStorage,
  storageKey: "notifications.cursor",
  firstRetryDelayMs: 1_000,
  maxRetryDelayMs: 30_000,
  // The hub's own timings (GET /api/client-settings); these match its defaults.
  keepAliveIntervalMs: 10_000,
  serverTimeoutMs: 30_000,
  // (4) Ids delivered within this long before the greatest one are remembered, at most rememberedIds:
  // more than the hub's look-back window (Hub:ResumeLookbackSeconds, 30 s by default) can resend.
  rememberIdsMs: 5 * 60_000,
  rememberedIds: 20_000,
  // (8) The latest withdrawn ids.
  rememberedWithdrawals: 10_000,
  logLevel: LogLevel.Warning,
});

// Below every id: the cursor of a client that has seen nothing, on a hub that has issued nothing.
const ZERO_ID = "0-0";
const ID_PATTERN = /^\d{1,20}-\d{1,20}$/;

/** Orders notification ids (`{milliseconds}-{sequence}`); negative when a comes first. */
export function compareIds(a, b) {
  const [aMs, aSeq] = a.split("-").map(Number);
  const [bMs, bSeq] = b.split("-").map(Number);
  return aMs - bMs || aSeq - bSeq;
}

/** The keep-alive and timeout the hub asks its JS clients to use; the defaults when it cannot say. */
export async function fetchClientSettings(baseUrl = "", signal = undefined) {
  try {
    const response = await fetch(`${baseUrl}/api/client-settings`, { signal });
    if (!response.ok) {
      return {};
    }
    const settings = await response.json();
    return { keepAliveIntervalMs: settings.keepAliveIntervalMs, serverTimeoutMs: settings.serverTimeoutMs };
  } catch {
    // A page that opens while the hub is unreachable still starts, with the defaults, and reconnects.
    return {};
  }
}

/**
 * A live stream of notifications from the hub.
 *
 * Events (all `CustomEvent`s, data in `detail`):
 * - `notification`: `{ notification, missed }`; `missed` is true when it came from a resume.
 * - `statechange`: `{ state, attempt, offlineSince, error }`; state is `connecting`, `connected`,
 *   `reconnecting`, `unauthorized` (the hub refused the token; the stream stops) or `stopped`.
 * - `resumed`: `{ missed, recovered }` after every (re)connect.
 * - `reloadrequired`: `{ lastId }` when the hub could not replay everything since the cursor.
 * - `acknowledged`: `{ id, sub, stores, at }` when someone acknowledged (admins and the same store).
 * - `withdrawn`: `{ id, withdrawnAt, missed }` when head office withdrew a notification: remove it from
 *   view. `missed` is true when the withdrawal came from a resume (it happened while offline). Once per
 *   id; a notification withdrawn before it arrives is never delivered.
 */
export class NotificationStream extends EventTarget {
  #options;
  #connection;
  #cursor;
  #startCursor;
  #seen = new Set();
  #withdrawn = new Set();
  #held = null;
  #stopped = true;
  #looping = false;
  #attempt = 0;
  #offlineSince = null;
  #state = "stopped";
  #wake = null;
  #renewing = false;

  /**
   * @param {object} options
   * @param {() => string | Promise<string>} options.accessTokenFactory called before every (re)connect.
   * @param {string} [options.url] the hub's URL, `/hubs/notifications` by default.
   * @param {string} [options.storageKey] where the cursor is kept; one per user of a device.
   */
  constructor(options) {
    super();
    if (typeof options?.accessTokenFactory !== "function") {
      throw new TypeError("accessTokenFactory is required: a function that returns the token or a promise of it.");
    }
    this.#options = { ...defaults, ...options };
    // (1) The kept cursor; one that is not an id (edited by hand, another app's key) counts as none,
    // as the hub would refuse it on every resume.
    const saved = this.#options.storage?.getItem(this.#options.storageKey) ?? null;
    this.#cursor = ID_PATTERN.test(saved ?? "") ? saved : null;
    this.#startCursor = this.#cursor;
    this.#connection = new HubConnectionBuilder()
      .withUrl(this.#options.url, { accessTokenFactory: this.#options.accessTokenFactory })
      .withKeepAliveInterval(this.#options.keepAliveIntervalMs)
      .withServerTimeout(this.#options.serverTimeoutMs)
      .configureLogging(this.#options.logLevel)
      .build();
    this.#connection.on("notification", (notification) => this.#onLive(notification));
    this.#connection.on("acknowledged", (acknowledgement) => this.#emit("acknowledged", acknowledgement));
    // Not held during a resume as notifications are: a withdrawal does not move the cursor, and
    // knowing it early is what lets the resume's copy of the same notification be dropped.
    this.#connection.on("withdrawn", (withdrawal) => this.#onWithdrawn(withdrawal, false));
    this.#connection.onclose((error) => this.#onClosed(error));
    globalThis.addEventListener?.("online", () => this.#wake?.());
  }

  /** `connecting`, `connected`, `reconnecting`, `unauthorized` or `stopped`. */
  get state() {
    return this.#state;
  }

  /** The greatest id seen so far (delivered, or withdrawn before it could be): where the next resume starts. */
  get cursor() {
    return this.#cursor;
  }

  /** Connects, then keeps the stream connected until `stop()`. Resolves once first connected. */
  start() {
    if (!this.#stopped) {
      return Promise.resolve();
    }
    this.#stopped = false;
    this.#attempt = 0;
    this.#setState("connecting");
    return this.#connectLoop();
  }

  /** Closes the connection and stops reconnecting. */
  async stop() {
    this.#stopped = true;
    this.#wake?.();
    await this.#connection.stop();
    this.#setState("stopped");
  }

  /**
   * Opens a new connection in place of the current one, with a fresh token from the factory, and
   * resumes from the cursor: nothing is missed, and the state stays `connected`. For a page whose
   * token is about to expire (the hub closes a connection whose token expires).
   */
  async renew() {
    if (this.#stopped || this.#looping || this.#connection.state !== HubConnectionState.Connected) {
      return;
    }
    this.#renewing = true;
    try {
      await this.#connection.stop();
    } finally {
      this.#renewing = false;
    }
    // Once the old connection is fully closed: starting inside its close event could find it still closing.
    if (!this.#stopped) {
      await this.#connectLoop();
    }
  }

  /** Whether head office withdrew notification `id` (as far as this page has heard). */
  isWithdrawn(id) {
    return this.#withdrawn.has(id);
  }

  /** Tells the hub this user (and its stores) has handled the notification; rejects with the hub's reason. */
  async acknowledge(id) {
    if (this.#connection.state !== HubConnectionState.Connected) {
      throw new Error("Not connected to the hub: try again once connected.");
    }
    await this.#connection.invoke("Acknowledge", id);
  }

  async #connectLoop() {
    this.#looping = true;
    try {
      while (!this.#stopped) {
        this.#held = [];
        try {
          await this.#connection.start();
          await this.#resume();
          this.#attempt = 0;
          this.#offlineSince = null;
          this.#setState("connected");
          return;
        } catch (error) {
          // Keep holding: a live notification delivered now would move the cursor past what the
          // failed resume never delivered. What is held is dropped; the next resume returns it.
          this.#held = [];
          if (this.#stopped) {
            return;
          }
          if (isRefusedToken(error)) {
            this.#stopped = true;
            this.#setState("unauthorized", error);
            return;
          }
          if (this.#connection.state !== HubConnectionState.Disconnected) {
            // Connected but the resume failed: drop the connection and try again from the same cursor.
            await this.#connection.stop();
          }
          this.#attempt += 1;
          this.#offlineSince ??= new Date();
          this.#setState(this.#state === "connecting" ? "connecting" : "reconnecting", error);
          await this.#delay(this.#retryDelay());
        }
      }
    } finally {
      this.#looping = false;
    }
  }

  #onClosed(error) {
    if (this.#stopped || this.#looping) {
      return;
    }
    if (this.#renewing) {
      // Closed on purpose by renew(), which connects again at once: still "connected" as far as the page can tell.
      return;
    }
    this.#offlineSince = new Date();
    this.#attempt = 1;
    this.#setState("reconnecting", error);
    // A short random wait first, so a hub restart is not met by every screen at the same instant.
    this.#delay(Math.random() * this.#options.firstRetryDelayMs).then(() => this.#connectLoop());
  }

  async #resume() {
    const result = await this.#connection.invoke("Resume", this.#cursor);
    const lastId = result.lastId ?? ZERO_ID;
    const firstStart = this.#cursor === null;
    if (!firstStart && compareIds(lastId, this.#cursor) < 0) {
      // (7) The saved cursor is beyond every id this hub has issued: it comes from another data set (a
      // store that lost its data, a restored backup) or was forged. Trusting it would drop every
      // notification below it, so carry on from the hub's position; nothing of this data set was seen.
      // The hub answers recovered: false, so the page reloads too (6).
      this.#startCursor = null;
      this.#saveCursor(lastId);
    }
    // (8) Withdrawals first: what was withdrawn while offline leaves the page before anything new
    // arrives, and is never delivered afterwards. Hubs older than v2 send no list.
    for (const withdrawal of result.withdrawn ?? []) {
      this.#onWithdrawn(withdrawal, true);
    }
    // (3) What the resume returned and what arrived live meanwhile, in id order; a held copy of a
    // replayed notification is a duplicate (4). The sort is stable: the replayed copy comes first.
    const held = this.#held;
    this.#held = null;
    const arrivals = [
      ...result.notifications.map((notification) => ({ notification, missed: true })),
      ...held.map((notification) => ({ notification, missed: false })),
    ].sort((a, b) => compareIds(a.notification.id, b.notification.id));
    let missed = 0;
    for (const { notification, missed: replayed } of arrivals) {
      if (this.#deliver(notification, replayed) && replayed) {
        missed += 1;
      }
    }
    if (firstStart) {
      // (2) First connection of this device: start from the hub's current position (the very start
      // when it has issued nothing yet). Nothing before it is delivered, even when a later resume's
      // look-back returns it (4), and the next resume covers everything from here on.
      this.#startCursor = lastId;
      this.#raiseCursor(lastId);
    }
    if (!result.recovered) {
      // (6) What followed the cursor is not all there; carry on from now and let the page reload its state.
      this.#raiseCursor(lastId);
      this.#emit("reloadrequired", { lastId: result.lastId });
    }
    this.#emit("resumed", { missed, recovered: result.recovered });
  }

  #onLive(notification) {
    if (this.#held !== null) {
      this.#held.push(notification);
      return;
    }
    this.#deliver(notification, false);
  }

  #deliver(notification, missed) {
    const id = notification.id;
    if (this.#seen.has(id) || (this.#startCursor !== null && compareIds(id, this.#startCursor) <= 0)) {
      // (4) Seen on this page, or at or below the cursor the page started with: delivered before.
      return false;
    }
    // (8) Withdrawn before it got here (its withdrawal overtook it, or it comes withdrawn): never shown,
    // but seen all the same, so the cursor moves past it.
    const withdrawn = this.#withdrawn.has(id) || Boolean(notification.withdrawnAt);
    if (withdrawn) {
      this.#onWithdrawn({ id, withdrawnAt: notification.withdrawnAt }, missed);
    } else {
      this.#emit("notification", { notification, missed });
    }
    // (1) Saved once the page's listeners are done with it. (5) An id below the cursor (from the
    // look-back window) is delivered when not seen, and the cursor does not go back.
    this.#raiseCursor(id);
    this.#rememberSeen(id);
    return !withdrawn;
  }

  #onWithdrawn({ id, withdrawnAt }, missed) {
    if (this.#withdrawn.has(id)) {
      // The hub repeats a withdrawal (a second DELETE, every resume's look-back): the page hears it once.
      return;
    }
    this.#withdrawn.add(id);
    if (this.#withdrawn.size > this.#options.rememberedWithdrawals) {
      // Sets iterate in insertion order: forget the oldest.
      this.#withdrawn.delete(this.#withdrawn.values().next().value);
    }
    this.#emit("withdrawn", { id, withdrawnAt: withdrawnAt ?? null, missed });
  }

  // (4) Remembers a delivered id; forgets those older than rememberIdsMs before the cursor, and the
  // oldest beyond rememberedIds. The cursor the page started with still guards what is older.
  #rememberSeen(id) {
    this.#seen.add(id);
    const horizon = idMilliseconds(this.#cursor) - this.#options.rememberIdsMs;
    // Sets iterate in insertion order, which is id order but for look-back arrivals.
    for (const old of this.#seen) {
      if (this.#seen.size <= this.#options.rememberedIds && idMilliseconds(old) >= horizon) {
        break;
      }
      this.#seen.delete(old);
    }
  }

  // (1) The cursor only moves forward, and is kept in storage at once.
  #raiseCursor(id) {
    if (this.#cursor === null || compareIds(id, this.#cursor) > 0) {
      this.#saveCursor(id);
    }
  }

  #saveCursor(id) {
    this.#cursor = id;
    this.#options.storage?.setItem(this.#options.storageKey, id);
  }

  #retryDelay() {
    const ceiling = Math.min(this.#options.maxRetryDelayMs, this.#options.firstRetryDelayMs * 2 ** (this.#attempt - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  #delay(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.#wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  #setState(state, error = null) {
    this.#state = state;
    this.#emit("statechange", { state, attempt: this.#attempt, offlineSince: this.#offlineSince, error });
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

function idMilliseconds(id) {
  return Number(id.split("-")[0]);
}

function isRefusedToken(error) {
  // A refused negotiate reaches us wrapped (FailedToNegotiateWithServerError), with the status only in its message.
  return error?.statusCode === 401 || error?.statusCode === 403 || /Status code '40[13]'/.test(error?.message ?? "");
}
