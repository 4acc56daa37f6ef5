#!/usr/bin/env bash
# The docker-compose topology without Docker: redis-server, N hub nodes and nginx, all on 127.0.0.1,
# each on a free port and stopped by the PID this script recorded. Tests and benchmarks use it.
#
#   scripts/cluster.sh up [--nodes N] [--ha] [--dir DIR] [--dll PATH]   start everything; prints DIR/cluster.env
#   scripts/cluster.sh down [--dir DIR]                                 stop what up started
#   scripts/cluster.sh kill-node I | stop-node I | start-node I [--dir DIR]
#   scripts/cluster.sh kill-redis [I] | stop-redis [I] | start-redis [I] | freeze-redis I | thaw-redis I [--dir DIR]
#   scripts/cluster.sh redis-primary [--dir DIR]                        prints which Redis (1 or 2) is the primary
#   scripts/cluster.sh restart-nginx [--dir DIR]
#   scripts/cluster.sh check-nginx [--nodes N]                         render nginx/nginx.conf.template as up does and run nginx -t
#
# Redis always requires a password: REDIS_PASSWORD, or a random one recorded in DIR/cluster.env.
# --ha: a primary (Redis 1), a replica (Redis 2) and three Sentinels, as in docker-compose.yml; the nodes
# connect through the Sentinels and wait for one replica to confirm each publish (Redis:MinReplicaAcks=1).
# kill-redis is SIGKILL, stop-redis SIGTERM, freeze-redis SIGSTOP and thaw-redis SIGCONT.
#
# Settings for every node come from the environment (Auth__SigningKey, Hub__KeepAliveSeconds, …);
# NODE_<I>_ARGS adds command-line settings to node I only (e.g. NODE_1_ARGS=--Hub:MaxSendDelaySeconds=2).
# nginx runs on nginx/nginx.conf.template (docker-compose.yml's too) rendered with DIR's ports and paths;
# NGINX_READ_TIMEOUT overrides its proxy_read_timeout (seconds, default 60). SENTINEL_DOWN_AFTER_MS
# (default 1000) is how long the primary must be silent before the Sentinels fail over.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
command="${1:-}"
shift || true
dir="$root/.cluster"
nodes=3
ha=0
dll=""
node_index=""
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --dll) dll="$2"; shift 2 ;;
    --ha) ha=1; shift ;;
    [0-9]*) node_index="$1"; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
state="$dir/cluster.env"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_for() { # url, seconds
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then echo "timed out waiting for $1" >&2; return 1; fi
    sleep 0.2
  done
}

record() { # KEY VALUE
  if grep -q "^$1=" "$state" 2>/dev/null; then
    sed -i "s|^$1=.*|$1=$2|" "$state"
  else
    echo "$1=$2" >> "$state"
  fi
}

redis_cli() { # port args…
  REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 -p "$1" "${@:2}"
}

write_redis_config() { # index
  local i="$1" port_var="REDIS_$1_PORT"
  # A file rather than arguments: the password stays out of the process list, and Sentinel can
  # rewrite the file when it turns a primary into a replica or back.
  {
    echo "port ${!port_var}"
    echo "bind 127.0.0.1"
    echo "dir $dir"
    echo "logfile $dir/redis-$i.log"
    # Append-only file fsynced every second: a crash of Redis alone loses nothing it acknowledged;
    # a crash of the machine can lose about the last second, unless a replica confirmed it first.
    echo "appendonly yes"
    echo "appendfsync everysec"
    echo "appenddirname appendonly-$i"
    echo "dbfilename dump-$i.rdb"
    echo "save \"\""
    echo "requirepass $REDIS_PASSWORD"
    echo "masterauth $REDIS_PASSWORD"
    if [ "$ha" = 1 ]; then
      # A primary without a replica refuses writes: a failed primary that restarts before the
      # Sentinels make it a replica cannot take publishes that the new primary will never have.
      echo "min-replicas-to-write 1"
      echo "min-replicas-max-lag 10"
      # One replica: nothing to wait for before streaming it a full copy.
      echo "repl-diskless-sync-delay 0"
    fi
    if [ "$i" != 1 ]; then echo "replicaof 127.0.0.1 $REDIS_1_PORT"; fi
  } > "$dir/redis-$i.conf"
  chmod 600 "$dir/redis-$i.conf"
}

write_sentinel_config() { # index
  local port_var="SENTINEL_$1_PORT"
  {
    echo "port ${!port_var}"
    echo "bind 127.0.0.1"
    echo "dir $dir"
    echo "logfile $dir/sentinel-$1.log"
    echo "requirepass $REDIS_PASSWORD"
    echo "sentinel sentinel-pass $REDIS_PASSWORD"
    echo "sentinel monitor hub 127.0.0.1 $REDIS_1_PORT 2"
    echo "sentinel auth-pass hub $REDIS_PASSWORD"
    echo "sentinel down-after-milliseconds hub ${SENTINEL_DOWN_AFTER_MS:-1000}"
    echo "sentinel failover-timeout hub 10000"
    echo "sentinel parallel-syncs hub 1"
  } > "$dir/sentinel-$1.conf"
  chmod 600 "$dir/sentinel-$1.conf"
}

wait_for_redis() { # port seconds
  local deadline=$((SECONDS + $2))
  until redis_cli "$1" ping 2>/dev/null | grep -q PONG; do
    if [ $SECONDS -ge $deadline ]; then echo "redis on port $1 did not start" >&2; return 1; fi
    sleep 0.1
  done
}

start_redis() { # index
  local i="${1:-1}" port_var="REDIS_${1:-1}_PORT" follow=()
  if [ "${HA:-0}" = 1 ] && [ -n "${SENTINEL_1_PORT:-}" ]; then
    # A server that comes back after a failover joins the current primary at once, as a replica,
    # rather than start as a primary with stale data until a Sentinel notices (up to 10 s).
    local primary
    primary="$(redis_cli "$SENTINEL_1_PORT" sentinel get-master-addr-by-name hub 2>/dev/null | sed -n 2p)"
    if [ -n "$primary" ] && [ "$primary" != "${!port_var}" ]; then follow=(--replicaof 127.0.0.1 "$primary"); fi
  fi
  redis-server "$dir/redis-$i.conf" --daemonize no "${follow[@]}" < /dev/null >> "$dir/redis-$i.out" 2>&1 &
  record "REDIS_${i}_PID" $!
  wait_for_redis "${!port_var}" 20
}

start_sentinel() { # index
  redis-server "$dir/sentinel-$1.conf" --sentinel --daemonize no < /dev/null >> "$dir/sentinel-$1.out" 2>&1 &
  record "SENTINEL_$1_PID" $!
}

sentinel_field() { # sentinel-index field
  local port_var="SENTINEL_$1_PORT"
  redis_cli "${!port_var}" sentinel master hub 2>/dev/null | awk -v f="$2" 'found { print; exit } $0 == f { found = 1 }'
}

wait_for_sentinels() { # seconds: every Sentinel knows the replica and the other two, so a failover can be voted
  local deadline=$((SECONDS + $1))
  for j in 1 2 3; do
    until [ "$(sentinel_field "$j" num-other-sentinels)" = 2 ] && [ "$(sentinel_field "$j" num-slaves)" = 1 ]; do
      if [ $SECONDS -ge $deadline ]; then echo "sentinel $j did not see the replica and the other sentinels" >&2; return 1; fi
      sleep 0.2
    done
  done
}

wait_for_replica() { # seconds
  local deadline=$((SECONDS + $1))
  until redis_cli "$REDIS_2_PORT" info replication 2>/dev/null | grep -q '^master_link_status:up'; do
    if [ $SECONDS -ge $deadline ]; then echo "the replica did not catch up with the primary" >&2; return 1; fi
    sleep 0.1
  done
}

# Prints a template with its ${HUB_*} variables substituted (exported by the caller), as the nginx image
# does for docker-compose: envsubst with the list of variables, so that nginx's own $variables stay. A
# variable the template uses and the caller left unset is an error, not an empty value.
render_template() { # template
  local names name
  names="$(grep -o '\${HUB_[A-Za-z0-9_]*}' "$1" | sort -u | tr '\n' ' ')"
  for name in $names; do
    name="${name:2:${#name}-3}"
    if [ -z "${!name+set}" ]; then echo "$1 uses \${$name}, which is not set" >&2; return 1; fi
  done
  envsubst "$names" < "$1"
}

write_nginx_config() { # folder nginx-port node-port…: that folder's nginx.conf, nginx in front of those nodes
  local out="$1" port="$2" servers="" node_port
  shift 2
  for node_port in "$@"; do
    servers+="${servers:+$'\n        '}server 127.0.0.1:$node_port max_fails=1 fail_timeout=2s;"
  done
  mkdir -p "$out/nginx-temp"
  # Workers may run as another user than the master (nginx as root): they write the temp folders.
  chmod 755 "$out"; chmod 777 "$out/nginx-temp"
  (
    export HUB_LISTEN="127.0.0.1:$port" HUB_UPSTREAM_SERVERS="$servers" HUB_READ_TIMEOUT="${NGINX_READ_TIMEOUT:-60}s"
    export HUB_ERROR_LOG="$out/nginx-error.log" HUB_ACCESS_LOG="$out/nginx-access.log" HUB_PID_FILE="$out/nginx.pid"
    export HUB_TEMP_DIR="$out/nginx-temp"
    render_template "$root/nginx/nginx.conf.template" > "$out/nginx.conf"
  )
  nginx -t -q -p "$out" -c "$out/nginx.conf" -e "$out/nginx-error.log"
}

start_nginx() { # [wait]
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/nginx-error.log" -g 'daemon off;' < /dev/null >> "$dir/nginx.out" 2>&1 &
  record NGINX_PID $!
  if [ "${1:-wait}" = wait ]; then wait_for "http://127.0.0.1:$NGINX_PORT/health/live" 20; fi
}

start_node() { # index
  local i="$1" port_var="NODE_$1_PORT" args_var="NODE_$1_ARGS"
  local port="${!port_var:-}"
  if [ -z "$port" ]; then port="$(free_port)"; record "NODE_${i}_PORT" "$port"; fi
  # shellcheck disable=SC2086
  ASPNETCORE_URLS="http://127.0.0.1:$port" \
  ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}" \
  ASPNETCORE_WEBROOT="${ASPNETCORE_WEBROOT:-$root/src/Notifications.Server/wwwroot}" \
  Auth__SigningKey="$SIGNING_KEY" \
  Redis__ConnectionString="$REDIS_CONNECTION" \
  Redis__MinReplicaAcks="${Redis__MinReplicaAcks:-$MIN_REPLICA_ACKS}" \
  Hub__NodeName="node-$i" \
    dotnet "$DLL" ${!args_var:-} < /dev/null > "$dir/node-$i.log" 2>&1 &
  record "NODE_${i}_PID" $!
}

stop_pid() { # pid signal
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill "-$2" "$1" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
  fi
}

load() {
  if [ ! -f "$state" ]; then echo "no cluster in $dir" >&2; exit 1; fi
  # shellcheck disable=SC1090
  . "$state"
}

case "$command" in
  up)
    if [ -f "$state" ]; then echo "a cluster is already up in $dir (run down first)" >&2; exit 1; fi
    mkdir -p "$dir"
    if [ -z "$dll" ]; then
      dotnet build "$root/src/Notifications.Server" -c Release -v q -o "$dir/bin" >&2
      dll="$dir/bin/Notifications.Server.dll"
    fi
    DLL="$dll"
    SIGNING_KEY="${Auth__SigningKey:-$(head -c 48 /dev/urandom | base64 | tr -d '\n')}"
    REDIS_PORT="$(free_port)"
    NGINX_PORT="$(free_port)"
    : > "$state"
    chmod 600 "$state" # it holds the signing key
    # A failed start stops whatever it had started. On EXIT rather than ERR: an ERR trap does not see
    # a command failing inside a function (write_nginx_config's nginx -t, a wait that times out).
    trap 'status=$?; if [ "$status" != 0 ]; then echo "cluster start failed; stopping what started" >&2; "$0" down --dir "$dir" || true; fi' EXIT
    record DLL "$DLL"
    record SIGNING_KEY "$SIGNING_KEY"
    REDIS_PASSWORD="${REDIS_PASSWORD:-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
    record REDIS_PASSWORD "$REDIS_PASSWORD"
    REDIS_1_PORT="$REDIS_PORT"
    record REDIS_PORT "$REDIS_PORT"
    record REDIS_1_PORT "$REDIS_1_PORT"
    record NGINX_PORT "$NGINX_PORT"
    record NODE_COUNT "$nodes"
    record HA "$ha"
    write_redis_config 1
    start_redis 1
    if [ "$ha" = 1 ]; then
      REDIS_2_PORT="$(free_port)"
      record REDIS_2_PORT "$REDIS_2_PORT"
      record REDIS_COUNT 2
      write_redis_config 2
      start_redis 2
      wait_for_replica 30
      for j in 1 2 3; do
        port="$(free_port)"
        record "SENTINEL_${j}_PORT" "$port"
        eval "SENTINEL_${j}_PORT=$port"
        write_sentinel_config "$j"
        start_sentinel "$j"
      done
      wait_for_sentinels 30
      REDIS_CONNECTION="127.0.0.1:$SENTINEL_1_PORT,127.0.0.1:$SENTINEL_2_PORT,127.0.0.1:$SENTINEL_3_PORT,serviceName=hub,password=$REDIS_PASSWORD"
      MIN_REPLICA_ACKS=1
    else
      record REDIS_COUNT 1
      REDIS_CONNECTION="127.0.0.1:$REDIS_PORT,password=$REDIS_PASSWORD"
      MIN_REPLICA_ACKS=0
    fi
    record REDIS_CONNECTION "$REDIS_CONNECTION"
    record MIN_REPLICA_ACKS "$MIN_REPLICA_ACKS"
    for i in $(seq 1 "$nodes"); do start_node "$i"; done
    load
    node_ports=()
    for i in $(seq 1 "$nodes"); do port_var="NODE_${i}_PORT"; node_ports+=("${!port_var}"); done
    write_nginx_config "$dir" "$NGINX_PORT" "${node_ports[@]}"
    start_nginx nowait
    for i in $(seq 1 "$nodes"); do
      port_var="NODE_${i}_PORT"
      wait_for "http://127.0.0.1:${!port_var}/health/ready" 60
    done
    wait_for "http://127.0.0.1:$NGINX_PORT/health/live" 20
    trap - EXIT
    cat "$state"
    ;;
  down)
    load
    # Everything is asked to stop at once, then waited for (and killed if it lingers).
    pids="${NGINX_PID:-}"
    for i in $(seq 1 "${NODE_COUNT:-0}"); do pid_var="NODE_${i}_PID"; pids+=" ${!pid_var:-}"; done
    for i in 1 2 3; do pid_var="SENTINEL_${i}_PID"; pids+=" ${!pid_var:-}"; done
    for i in $(seq 1 "${REDIS_COUNT:-1}"); do
      pid_var="REDIS_${i}_PID"
      # A frozen server would not see SIGTERM.
      if [ -n "${!pid_var:-}" ]; then kill -CONT "${!pid_var}" 2>/dev/null || true; fi
      pids+=" ${!pid_var:-}"
    done
    for pid in $pids; do stop_pid "$pid" TERM & done
    wait
    rm -f "$state"
    ;;
  kill-node|stop-node)
    load
    pid_var="NODE_${node_index}_PID"
    if [ "$command" = kill-node ]; then stop_pid "${!pid_var}" KILL; else stop_pid "${!pid_var}" TERM; fi
    record "NODE_${node_index}_PID" "" # never signal a PID that may since belong to another process
    ;;
  start-node)
    load
    start_node "$node_index"
    load
    port_var="NODE_${node_index}_PORT"
    wait_for "http://127.0.0.1:${!port_var}/health/ready" 60
    ;;
  stop-redis|kill-redis)
    load
    i="${node_index:-1}"
    pid_var="REDIS_${i}_PID"
    if [ "$command" = kill-redis ]; then stop_pid "${!pid_var}" KILL; else stop_pid "${!pid_var}" TERM; fi
    record "REDIS_${i}_PID" ""
    ;;
  start-redis)
    load
    start_redis "${node_index:-1}"
    ;;
  freeze-redis|thaw-redis)
    load
    pid_var="REDIS_${node_index:-1}_PID"
    if [ "$command" = freeze-redis ]; then kill -STOP "${!pid_var}"; else kill -CONT "${!pid_var}"; fi
    ;;
  redis-primary)
    load
    if [ "${HA:-0}" != 1 ]; then echo 1; exit 0; fi
    port="$(redis_cli "$SENTINEL_1_PORT" sentinel get-master-addr-by-name hub | sed -n 2p)"
    for i in 1 2; do port_var="REDIS_${i}_PORT"; if [ "${!port_var}" = "$port" ]; then echo "$i"; exit 0; fi; done
    echo "no primary known to sentinel 1 (port $port)" >&2
    exit 1
    ;;
  restart-nginx)
    load
    stop_pid "${NGINX_PID:-}" TERM
    record NGINX_PID ""
    start_nginx
    ;;
  check-nginx)
    # Nothing listens: nginx -t only parses, so any ports do.
    check="$(mktemp -d)"
    trap 'rm -rf "$check"' EXIT
    mapfile -t node_ports < <(seq 8081 $((8080 + nodes)))
    write_nginx_config "$check" 8080 "${node_ports[@]}"
    echo "nginx/nginx.conf.template renders into a valid configuration for $nodes nodes"
    ;;
  *)
    sed -n '2,22p' "$0" >&2
    exit 2
    ;;
esac
