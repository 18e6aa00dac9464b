#!/usr/bin/env bash
# The project's one test command (README, "Run the tests"), for a fresh Debian machine with only a JDK:
#   1. installs what the tests need and the machine lacks, idempotently (apt, as root):
#      redis-server and redis-cli (the tests' clusters and their independent checks), chromium and
#      chromium-driver (the drill report and the live page are checked in a headless browser),
#      php-cli, php-nrk-predis and python3-redis (the child-process clients under test, predis and
#      redis-py); and ioredis for the third one (npm ci in clients/node, node and npm being there);
#   2. prepares the Docker end-to-end test (e2e/prepare.sh: a Docker engine, Compose v1, promtool, and
#      local stand-in images, since there is no image registry here);
#   3. runs every test in one Maven build: unit tests, integration tests against real redis-server
#      processes, and the end-to-end test of the real compose file (profile e2e). One build, so the
#      end-to-end module finds the service jars it packages in this reactor, not in ~/.m2.
#
#   ./test.sh               everything (what CI runs)
#   ./test.sh --no-docker   without the Docker end-to-end test (no Docker engine needed)
#   ./test.sh ARGS...       extra Maven arguments, e.g. ./test.sh --no-docker -pl router -am
set -euo pipefail
cd "$(dirname "$0")"

docker=yes
maven_args=()
for arg in "$@"; do
  case "$arg" in
    --no-docker) docker=no ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) maven_args+=("$arg") ;;
  esac
done

log() { echo "test.sh: $*"; }

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
# The child-process clients of clients/clients.conf: predis runs on php, redis-py on Debian's python3.
command -v php >/dev/null 2>&1 || missing+=(php-cli)
[[ -f /usr/share/php/Predis/Autoloader.php ]] || missing+=(php-nrk-predis)
/usr/bin/python3 -c 'import redis' >/dev/null 2>&1 || missing+=(python3-redis)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    log "missing: ${missing[*]}; install them (sudo apt-get install -y ${missing[*]}) or run this as root" >&2
    exit 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The Debian package may start a system redis on 6379; the tests never use that port, so it may stay.
log "$(redis-server --version)"

# ioredis, the Node client under test, from clients/node's lock file.
if [[ ! -d clients/node/node_modules ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    log "npm is missing: install node and npm, or run 'npm ci' in clients/node yourself" >&2
    exit 1
  fi
  log "installing ioredis (npm ci in clients/node)"
  (cd clients/node && npm ci --no-audit --no-fund)
fi

profiles=()
if [[ $docker == yes ]]; then
  bash e2e/prepare.sh
  profiles=(-Pe2e)
fi

./mvnw -B verify "${profiles[@]}" "${maven_args[@]}"
