#!/usr/bin/env bash
# The one test command, from a fresh Debian or Ubuntu machine with the .NET SDK: installs the tools the
# tests need with apt-get (as root, or with sudo when it asks no password; otherwise it prints the
# command and stops), checks the deployment files, restores the locked packages and runs every test.
# Arguments go to `dotnet test`:
#
#   scripts/test.sh
#   scripts/test.sh --filter "FullyQualifiedName~DeploymentFileTests"
#
# .ci/run runs it too. With everything installed already, `dotnet test Notifications.sln` is the same run.
set -euo pipefail
cd "$(dirname "$0")/.."

# nginx lives in /usr/sbin, which Debian leaves out of other users' PATH; the tests and cluster.sh run it.
export PATH="$PATH:/usr/sbin:/sbin"

if ! command -v dotnet >/dev/null; then
  echo "The .NET SDK is needed (the version in global.json): https://learn.microsoft.com/dotnet/core/install/linux" >&2
  exit 1
fi

# What each tool is for, and its Debian and Ubuntu package.
need() { # command package
  command -v "$1" >/dev/null || missing+=("$2")
}
check() { # fills missing with the packages to install
  missing=()
  need redis-server redis-server       # the cluster tests start real Redis servers and Sentinels (scripts/cluster.sh)
  need redis-cli redis-tools           # cluster.sh and the fault tests talk to them
  need nginx nginx                     # the cluster tests put nginx in front of the nodes
  need node nodejs                     # the server's build bundles the pages' JS client
  need npm npm
  need docker-compose docker-compose   # only to resolve docker-compose.yml (DeploymentFileTests); no Docker engine
  need curl curl                       # cluster.sh waits for each process to answer
  need python3 python3                 # cluster.sh finds free ports
  need envsubst gettext-base           # cluster.sh renders nginx/nginx.conf.template
  # The browser tests drive Debian's Chromium at this path (never a browser Playwright downloads).
  ubuntu_chromium=0
  if [ ! -x /usr/bin/chromium ]; then
    if grep -qsi '^ID=ubuntu\|^ID_LIKE=.*ubuntu' /etc/os-release; then ubuntu_chromium=1; else missing+=(chromium); fi
  fi
}

check
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "These Debian packages, or their equivalent, are needed: ${missing[*]}" >&2
    exit 1
  fi
  if [ "$(id -u)" = 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "The tests need: ${missing[*]}. Install them, then run scripts/test.sh again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  # Debian starts the nginx and redis-server services it installs; the tests leave them alone and start
  # their own processes on free ports.
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  check
  if [ ${#missing[@]} -gt 0 ]; then
    echo "apt-get installed them, but these are still not on PATH: ${missing[*]}" >&2
    exit 1
  fi
fi

if [ "$ubuntu_chromium" = 1 ]; then
  cat >&2 <<'EOF'
Everything else is installed. The browser tests drive Chromium at /usr/bin/chromium, where Debian's
chromium package puts it; Ubuntu has only a snap (apt's chromium-browser installs it). Either link the
snap there (not tried here; its confinement may get in the way):
  sudo snap install chromium && sudo ln -s /snap/bin/chromium /usr/bin/chromium
or run every test but the browser ones:
  scripts/test.sh --filter "FullyQualifiedName!~.Browser.&FullyQualifiedName!~DashboardAcrossRestart"
EOF
  # A run of every test needs it; a filtered run may not (the user chose what to run).
  case " $* " in *" --filter "*) ;; *) exit 1 ;; esac
fi

# esbuild, which bundles the JS client, needs Node.js 18 or later (Debian 12 has 18, Ubuntu 24.04 has 18).
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  echo "Node.js 18 or later is needed; this is $(node --version). Debian 12 and Ubuntu 24.04 have it." >&2
  exit 1
fi

# docker-compose.yml cannot run here (no Docker engine) but must resolve; the nginx configuration
# cluster.sh renders from nginx/nginx.conf.template must pass nginx -t. (DeploymentFileTests checks
# the configuration the nginx image renders from the same template.)
AUTH_SIGNING_KEY=validation-only REDIS_PASSWORD=validation-only docker-compose -f docker-compose.yml config -q
scripts/cluster.sh check-nginx
echo "docker-compose.yml is valid"

echo "dotnet $(dotnet --version)"
dotnet restore Notifications.sln --locked-mode
exec dotnet test Notifications.sln --no-restore "$@"
