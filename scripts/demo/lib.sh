# Shared by the demo acts (sourced, not run): a private stack of the
# image-resize service with everything it needs, and a trap that stops every
# process it started. Settings (environment):
#   DEMO_CONFIGURATION   release (default) or debug build of the executables
#   DEMO_PORT            web port (8096); the demo page is http://localhost:$DEMO_PORT/
#   DEMO_IMAGES_PORT     image server port (8097)
#   DEMO_IMAGE_DELAY     seconds the image server waits per image (1.0): stands in
#                        for fetching from a remote store, so workers wait rather
#                        than compute and more workers mean more throughput
#   DEMO_RABBITMQ_PORT / DEMO_RABBITMQ_MANAGEMENT_PORT / DEMO_POSTGRES_PORT
#                        private servers (5710 / 15710 / 5450), data in .services/demo
#   DEMO_SHARED_SERVERS=1 use servers already running at MSGFLO_BROKER, DATABASE_URL
#                        and RABBITMQ_MANAGEMENT_URL instead
set -euo pipefail
DEMO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$DEMO_ROOT"
DEMO_CONFIGURATION="${DEMO_CONFIGURATION:-release}"
DEMO_PORT="${DEMO_PORT:-8096}"
DEMO_IMAGES_PORT="${DEMO_IMAGES_PORT:-8097}"
DEMO_IMAGE_DELAY="${DEMO_IMAGE_DELAY:-1.0}"
DEMO_DIR="$DEMO_ROOT/.services/demo"
DEMO_TARGET="http://localhost:$DEMO_PORT"
DEMO_PIDS=()

demo_log() { echo "demo: $*" >&2; }
demo_now_ms() { date +%s%3N; }

# Stops, newest first, every process this script started (SIGTERM, then SIGKILL
# after 10 s); servers under .services/demo stay up for the next act
# (scripts/demo/stop-servers stops them).
demo_cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pid i
  for ((i = ${#DEMO_PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${DEMO_PIDS[$i]}" 2>/dev/null || true; done
  for i in $(seq 1 50); do
    local alive=0
    for pid in "${DEMO_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for pid in "${DEMO_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${DEMO_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ ${#DEMO_PIDS[@]} -gt 0 ] && demo_log "stopped the ${#DEMO_PIDS[@]} processes it started"
  exit "$status"
}
trap demo_cleanup EXIT
trap 'exit 130' INT TERM

# demo_build [PRODUCT...]: imageresize, msgflo and these, built once (DEMO_BUILD=1 rebuilds).
demo_build() {
  local bin="$DEMO_ROOT/.build/$DEMO_CONFIGURATION" product
  for product in imageresize msgflo "$@"; do
    if [ "${DEMO_BUILD:-0}" = 1 ] || [ ! -x "$bin/$product" ]; then
      demo_log "building $product ($DEMO_CONFIGURATION)..."
      swift build -c "$DEMO_CONFIGURATION" --product "$product" >&2
    fi
  done
  export PATH="$bin:$PATH"
}

demo_servers() {
  if [ "${DEMO_SHARED_SERVERS:-0}" = 1 ]; then
    export MSGFLO_BROKER="${MSGFLO_BROKER:-amqp://guest:guest@localhost:5672}"
    export RABBITMQ_MANAGEMENT_URL="${RABBITMQ_MANAGEMENT_URL:-http://guest:guest@localhost:15672}"
    export DATABASE_URL="${DATABASE_URL:-postgres://postgres@localhost:5432/imageresize}"
    return
  fi
  export SERVICES_DIR="$DEMO_DIR" RABBITMQ_PORT="${DEMO_RABBITMQ_PORT:-5710}"
  export RABBITMQ_MANAGEMENT_PORT="${DEMO_RABBITMQ_MANAGEMENT_PORT:-15710}" POSTGRES_PORT="${DEMO_POSTGRES_PORT:-5450}"
  scripts/services start rabbitmq postgres
  eval "$(scripts/services env)"
}

# Small photos (640x480, 800x600) from the spec fixtures, served with a delay.
demo_images() {
  local dir="$DEMO_DIR/images"
  if [ ! -d "$dir" ] || [ -z "$(ls -A "$dir" 2>/dev/null)" ]; then
    spec/fixtures.sh spec/.fixtures >&2
    mkdir -p "$dir"
    cp spec/.fixtures/photos/*-640x480.jpg spec/.fixtures/photos/*-800x600.jpg "$dir"/
  fi
  python3 scripts/demo/image-server.py "$dir" "$DEMO_IMAGES_PORT" --delay "$DEMO_IMAGE_DELAY" &
  DEMO_PIDS+=($!)
  DEMO_URLS="$DEMO_DIR/urls.txt"
  (cd "$dir" && ls) | sed "s#^#http://localhost:$DEMO_IMAGES_PORT/#" >"$DEMO_URLS"
  export IMAGERESIZE_ALLOW_HOSTS="localhost:$DEMO_IMAGES_PORT${IMAGERESIZE_ALLOW_HOSTS:+,$IMAGERESIZE_ALLOW_HOSTS}"
  IMAGERESIZE_DEMO_IMAGES="$(head -6 "$DEMO_URLS" | paste -sd, -)"
  export IMAGERESIZE_DEMO_IMAGES
}

# Migrations, the graph's bindings, and empty worker queues (a previous act's
# leftovers would be counted against this one).
demo_prepare() {
  imageresize migrate >&2
  msgflo setup graphs/imageresize.fbp >&2
  local queue
  for queue in resize.IN store.IN; do
    curl -fsS -X DELETE "$(demo_management_base)/api/queues/%2F/$queue/contents" >/dev/null 2>&1 || true
  done
}

demo_management_base() { echo "$RABBITMQ_MANAGEMENT_URL"; }

# demo_start KIND ROLE: starts `imageresize KIND --role ROLE` in the background;
# its pid is in DEMO_LAST_PID, its log in $DEMO_LOGS/ROLE-N.log.
demo_start() {
  local kind="$1" role="$2" n=0
  while [ -e "$DEMO_LOGS/$role-$n.log" ]; do n=$((n + 1)); done
  LOG_LEVEL="${DEMO_LOG_LEVEL:-info}" imageresize "$kind" --role "$role" >"$DEMO_LOGS/$role-$n.log" 2>&1 &
  DEMO_LAST_PID=$!
  DEMO_PIDS+=("$DEMO_LAST_PID")
}

demo_wait_health() {
  local i
  for i in $(seq 1 120); do
    curl -fs "$DEMO_TARGET/health" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  demo_log "the web process did not become healthy; see $DEMO_LOGS/web-0.log"
  return 1
}

# demo_consumers QUEUE: consumers of a queue now (the running workers).
demo_consumers() {
  curl -fsS "$(demo_management_base)/api/queues/%2F/$1" 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin).get("consumers", 0))' 2>/dev/null || echo 0
}

demo_wait_consumers() { # queue count seconds
  local i
  for i in $(seq 1 $(($3 * 2))); do
    [ "$(demo_consumers "$1")" -ge "$2" ] && return 0
    sleep 0.5
  done
  demo_log "$1 has $(demo_consumers "$1") consumers, wanted $2"
  return 1
}

# demo_setup ACT [PRODUCT...]: everything up to (not including) the resize workers.
demo_setup() {
  DEMO_ACT="$1"
  shift
  DEMO_REPORTS="$DEMO_ROOT/reports/$DEMO_ACT"
  DEMO_LOGS="$DEMO_REPORTS/logs"
  rm -rf "$DEMO_LOGS"
  mkdir -p "$DEMO_LOGS"
  demo_build "$@"
  demo_servers
  demo_images
  demo_prepare
  export PORT="$DEMO_PORT"
  demo_start web web
  demo_start store store
  demo_wait_health
}

# demo_loadtest ARGS...: the load of this act (report in reports/ACT/ACT.{json,html}).
demo_loadtest() {
  imageresize loadtest --target "$DEMO_TARGET" --urls "$DEMO_URLS" --out "$DEMO_REPORTS" --name "$DEMO_ACT" \
    --management-url "$RABBITMQ_MANAGEMENT_URL" "$@"
}
