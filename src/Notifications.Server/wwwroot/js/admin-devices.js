// The admin console's store screens: enrol one (its sign-in link shown once), list them, revoke one.
import { clearFieldErrors, showFieldError } from "/js/forms.js";
import { clockTime } from "/js/session.js";

const $ = (id) => document.getElementById(id);
const fields = ["device-name", "device-stores", "device-regions"];
const fieldOf = { name: "device-name", stores: "device-stores", regions: "device-regions" };

/** Shows the screens panel; `api(path, init)` calls the hub as this admin. */
export function openDevices(api) {
  $("devices-section").hidden = false;
  $("enrol").addEventListener("submit", (event) => enrol(event, api));
  $("copy-link").addEventListener("click", async () => {
    await navigator.clipboard?.writeText($("enrolled-link").value);
    $("copy-link").textContent = "Copied";
  });
  refreshDevices(api);
}

async function enrol(event, api) {
  event.preventDefault();
  clearFieldErrors(fields);
  $("enrolled").hidden = true;
  const list = (id) => $(id).value.split(/[\s,]+/).filter((value) => value !== "");
  const response = await api("/api/devices", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: $("device-name").value.trim(), stores: list("device-stores"), regions: list("device-regions") }),
  });
  if (!response.ok) {
    const problem = await response.json();
    for (const [key, messages] of Object.entries(problem.errors ?? {})) {
      showFieldError(fieldOf[key] ?? "device-name", messages.join(" "));
    }
    $("enrol-result").textContent = problem.errors ? "Not enrolled: correct the fields marked." : `Not enrolled: ${problem.detail ?? problem.title}.`;
    return;
  }
  const { secret } = await response.json();
  // The secret travels in the fragment: browsers do not send it to any server, nginx logs included.
  $("enrolled-link").value = `${location.origin}/#device=${encodeURIComponent(secret)}`;
  $("copy-link").textContent = "Copy link";
  $("enrolled").hidden = false;
  $("enrol-result").textContent = `Enrolled "${$("device-name").value.trim()}".`;
  $("enrol").reset();
  await refreshDevices(api);
}

async function refreshDevices(api) {
  const response = await api("/api/devices");
  if (!response.ok) {
    $("enrol-result").textContent = `Screens unavailable: the hub answered ${response.status}.`;
    return;
  }
  const devices = await response.json();
  $("devices").tBodies[0].replaceChildren(...devices.map((device) => row(device, api)));
}

function row(device, api) {
  const tr = document.createElement("tr");
  tr.dataset.device = device.id;
  const cell = (text) => Object.assign(document.createElement("td"), { textContent: text });
  const lastSeen = device.lastSeenAt ? `${new Date(device.lastSeenAt).toLocaleDateString()} ${clockTime(device.lastSeenAt)}` : "never";
  tr.append(cell(device.name), cell([...device.stores, ...device.regions].join(", ")), cell(lastSeen));
  if (device.revokedAt) {
    tr.append(cell(`Revoked ${new Date(device.revokedAt).toLocaleDateString()} ${clockTime(device.revokedAt)}`));
    return tr;
  }
  const revoke = Object.assign(document.createElement("button"), { type: "button", textContent: "Revoke" });
  revoke.setAttribute("aria-label", `Revoke ${device.name}`);
  revoke.addEventListener("click", async () => {
    if (!confirm(`Revoke "${device.name}"? The screen is signed out within seconds and needs a new link to come back.`)) {
      return;
    }
    revoke.disabled = true;
    const response = await api(`/api/devices/${encodeURIComponent(device.id)}`, { method: "DELETE" });
    if (!response.ok) {
      revoke.disabled = false;
      $("enrol-result").textContent = `Could not revoke "${device.name}": the hub answered ${response.status}.`;
      return;
    }
    await refreshDevices(api);
  });
  const actions = document.createElement("td");
  actions.append(revoke);
  tr.append(actions);
  return tr;
}
