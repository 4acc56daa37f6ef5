#!/usr/bin/env bash
# The docker-compose topology without Docker: redis-server, N hub nodes and nginx, all on 127.0.0.1,
# each on a free port and stopped by the PID this script recorded. Tests and benchmarks use it.
#
#   scripts/cluster.sh up [--nodes N] [--dir DIR] [--dll PATH]   start everything; prints DIR/cluster.env
#   scripts/cluster.sh down [--dir DIR]                          stop what up started
#   scripts/cluster.sh kill-node I | stop-node I | start-node I [--dir DIR]
#   scripts/cluster.sh stop-redis | start-redis [--dir DIR]
#
# Settings for every node come from the environment (Auth__SigningKey, Hub__KeepAliveSeconds, …);
# NODE_<I>_ARGS adds command-line settings to node I only (e.g. NODE_1_ARGS=--Hub:MaxSendDelaySeconds=2).
# NGINX_READ_TIMEOUT overrides nginx's proxy_read_timeout (seconds).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
command="${1:-}"
shift || true
dir="$root/.cluster"
nodes=3
dll=""
node_index=""
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --dll) dll="$2"; shift 2 ;;
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

start_redis() {
  # Append-only file fsynced every second: a crash of Redis alone loses nothing it acknowledged;
  # a crash of the machine can lose about the last second or two.
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$dir" --appendonly yes --appendfsync everysec \
    --save '' --daemonize no --logfile "$dir/redis.log" < /dev/null >> "$dir/redis.out" 2>&1 &
  record REDIS_PID $!
  local deadline=$((SECONDS + 20))
  until redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; do
    if [ $SECONDS -ge $deadline ]; then echo "redis did not start" >&2; exit 1; fi
    sleep 0.1
  done
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
  Redis__ConnectionString="127.0.0.1:$REDIS_PORT" \
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
    mkdir -p "$dir/nginx-temp"
    chmod 755 "$dir"; chmod 777 "$dir/nginx-temp"
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
    # A failed start stops whatever it had started.
    trap 'echo "cluster start failed; stopping what started" >&2; "$0" down --dir "$dir" || true' ERR
    record DLL "$DLL"
    record SIGNING_KEY "$SIGNING_KEY"
    record REDIS_PORT "$REDIS_PORT"
    record NGINX_PORT "$NGINX_PORT"
    record NODE_COUNT "$nodes"
    start_redis
    for i in $(seq 1 "$nodes"); do start_node "$i"; done
    load
    upstream=""
    for i in $(seq 1 "$nodes"); do
      port_var="NODE_${i}_PORT"
      upstream+="        server 127.0.0.1:${!port_var} max_fails=1 fail_timeout=2s;\n"
    done
    awk -v servers="$upstream" -v dir="$dir" -v port="$NGINX_PORT" -v read_timeout="${NGINX_READ_TIMEOUT:-}" '
      /# nodes:begin/ { print; printf "%s", servers; skip = 1; next }
      /# nodes:end/ { skip = 0 }
      skip { next }
      /^ *listen 80;/ { sub(/listen 80;/, "listen 127.0.0.1:" port ";") }
      /^pid / { $0 = "pid " dir "/nginx.pid;" }
      /proxy_read_timeout|proxy_send_timeout/ { if (read_timeout != "") sub(/[0-9]+s;/, read_timeout "s;") }
      { gsub("/var/log/nginx/", dir "/nginx-") }
      /^http \{/ { print; print "    client_body_temp_path " dir "/nginx-temp/body;"; print "    proxy_temp_path " dir "/nginx-temp/proxy;";
                   print "    fastcgi_temp_path " dir "/nginx-temp/fastcgi;"; print "    uwsgi_temp_path " dir "/nginx-temp/uwsgi;";
                   print "    scgi_temp_path " dir "/nginx-temp/scgi;"; next }
      { print }
    ' "$root/nginx/nginx.conf" > "$dir/nginx.conf"
    nginx -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/nginx-error.log"
    nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/nginx-error.log" -g 'daemon off;' < /dev/null >> "$dir/nginx.out" 2>&1 &
    record NGINX_PID $!
    for i in $(seq 1 "$nodes"); do
      port_var="NODE_${i}_PORT"
      wait_for "http://127.0.0.1:${!port_var}/health/ready" 60
    done
    wait_for "http://127.0.0.1:$NGINX_PORT/health/live" 20
    trap - ERR
    cat "$state"
    ;;
  down)
    load
    # Everything is asked to stop at once, then waited for (and killed if it lingers).
    pids="${NGINX_PID:-} ${REDIS_PID:-}"
    for i in $(seq 1 "${NODE_COUNT:-0}"); do pid_var="NODE_${i}_PID"; pids+=" ${!pid_var:-}"; done
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
  stop-redis)
    load
    stop_pid "$REDIS_PID" TERM
    record REDIS_PID ""
    ;;
  start-redis)
    load
    start_redis
    ;;
  *)
    sed -n '2,13p' "$0" >&2
    exit 2
    ;;
esac
