#!/usr/bin/env bash
# Prove that buildout.cfg builds a working portal from PyPI with the pins of
# constraints.txt, without writing parts/, bin/ or eggs/ into the checkout:
#
#   1. versions.cfg is in sync with constraints.txt (buildout_versions.py --check);
#   2. a fresh venv in a temporary directory gets pip, zc.buildout, setuptools
#      and wheel at their pinned versions;
#   3. bin/buildout -c <repo>/buildout.cfg builds there (buildout:directory and
#      the data directory are the temporary one, the develop egg is the repo);
#   4. bin/instance start answers 200 on the Zope root (empty database);
#   5. it is stopped, bin/instance run scripts/create_site.py creates the demo
#      site (the running instance would hold the FileStorage lock), and the
#      restarted instance serves /Plone (200, with the portal's title);
#   6. the instance is stopped and the timings are printed.
#
#     bash scripts/check-buildout.sh
#
# Environment: PYTHON (python3.11), PORT (a free one), KEEP=1 keeps the
# temporary directory (it is always kept after a failure, for its logs),
# TESTS="-m test_setup" also runs bin/test with those arguments.
# Exits non-zero on any failure.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3.11}
TITLE="Cổng thông tin nội bộ tỉnh Phú Thọ"
START_TIMEOUT=${START_TIMEOUT:-180}
WORK=""
INSTANCE_UP=0
declare -A TIMINGS=()
STEPS=()

log() { printf '\n== %s\n' "$*"; }
fail() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }

# Seconds since the epoch with microseconds, for the timings.
now() { printf '%s' "$EPOCHREALTIME"; }

# Record how long step "$1" took since "$2".
record() {
    TIMINGS[$1]=$(awk -v a="$2" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
    STEPS+=("$1")
}

# The pip to install: constraints.txt's pin if any, else the Makefile's PIP_VERSION
# (pip freeze leaves pip out of constraints.txt).
pip_version() {
    local version
    version=$(sed -n 's/^pip==\([^ #]*\).*/\1/p' "$REPO/constraints.txt")
    [[ -n $version ]] || version=$(sed -n 's/^PIP_VERSION *:= *\([^ ]*\).*/\1/p' "$REPO/Makefile")
    [[ -n $version ]] || fail "no pip version in constraints.txt nor in the Makefile"
    printf '%s' "$version"
}

# A TCP port nobody listens on now, unless PORT is given.
free_port() {
    if [[ -n ${PORT:-} ]]; then printf '%s' "$PORT"; return; fi
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# HTTP status of URL "$1", body saved to "$2".
http_status() {
    curl -s -o "$2" -w '%{http_code}' --max-time 60 "$1" || true
}

# Wait until URL "$1" answers 200, at most START_TIMEOUT seconds.
wait_for_200() {
    local url=$1 deadline=$((SECONDS + START_TIMEOUT)) status
    while ((SECONDS < deadline)); do
        status=$(http_status "$url" /dev/null)
        [[ $status == 200 ]] && return 0
        sleep 0.5
    done
    fail "$url did not answer 200 within ${START_TIMEOUT}s (last status: ${status:-none})"
}

start_instance() {
    "$WORK/bin/instance" start
    INSTANCE_UP=1
    wait_for_200 "$BASE/"
}

stop_instance() {
    "$WORK/bin/instance" stop
    INSTANCE_UP=0
}

# Which of buildout's outputs exist in the repo (to prove none is added).
repo_litter() {
    local name
    for name in bin parts eggs develop-eggs .installed.cfg; do
        [[ -e $REPO/$name ]] && printf '%s ' "$name"
    done
    return 0
}

# On any exit: stop a running instance; show logs and keep the directory on failure.
cleanup() {
    local status=$?
    if ((INSTANCE_UP)); then "$WORK/bin/instance" stop >/dev/null 2>&1 || true; fi
    if [[ -z $WORK ]]; then return; fi
    if ((status != 0)); then
        for logfile in "$WORK"/var/log/instance.log "$WORK"/var/log/*.log; do
            [[ -f $logfile ]] && { echo "--- tail of $logfile"; tail -n 40 "$logfile"; break; }
        done
        echo "Kept $WORK for inspection." >&2
    elif [[ ${KEEP:-0} == 1 ]]; then
        echo "Kept $WORK (KEEP=1)."
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

command -v "$PYTHON" >/dev/null || fail "$PYTHON not found"
command -v curl >/dev/null || fail "curl not found"
[[ -f $REPO/buildout.cfg && -f $REPO/constraints.txt ]] || fail "run from the phutho.intranet checkout"

# PyPI only, as on a developer's machine: no local pip configuration.
export PIP_CONFIG_FILE=/dev/null
unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_CONSTRAINT

WORK=$(mktemp -d "${TMPDIR:-/tmp}/check-buildout.XXXXXX")
case $WORK in "$REPO"/*) fail "temporary directory $WORK is inside the repo" ;; esac
PORT=$(free_port)
PIP_VERSION=$(pip_version)
BASE="http://127.0.0.1:$PORT"
echo "Checking buildout.cfg of $REPO in $WORK, port $PORT, $(date -Is)"

log "versions.cfg in sync with constraints.txt"
"$PYTHON" "$REPO/scripts/buildout_versions.py" --check

log "venv with pip, zc.buildout, setuptools, wheel as pinned"
started=$(now)
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q "pip==$PIP_VERSION"
"$WORK/venv/bin/pip" install -q -c "$REPO/constraints.txt" zc.buildout setuptools wheel
"$WORK/venv/bin/pip" list --format=freeze | grep -iE '^(pip|setuptools|wheel|zc\.buildout)==' | tr '\n' ' '; echo
record venv "$started"

log "bin/buildout (from PyPI, allow-picked-versions = false)"
litter_before=$(repo_litter)
started=$(now)
(
    cd "$WORK"
    # -U: ignore ~/.buildout/default.cfg, so only the repo's files count.
    "$WORK/venv/bin/buildout" -U -c "$REPO/buildout.cfg" \
        "buildout:directory=$WORK" "buildout:develop=$REPO" \
        "instance:http-address=127.0.0.1:$PORT"
)
record buildout "$started"
for script in instance test; do
    [[ -x $WORK/bin/$script ]] || fail "bin/$script was not generated"
done
[[ $(repo_litter) == "$litter_before" ]] || fail "buildout wrote into the repo: $(repo_litter)"

if [[ -n ${TESTS:-} ]]; then
    log "bin/test $TESTS"
    started=$(now)
    # shellcheck disable=SC2086 # TESTS holds several arguments
    if ! "$WORK/bin/test" $TESTS >"$WORK/test.log" 2>&1; then
        grep -vE 'UserWarning|warnings.warn' "$WORK/test.log" | tail -n 40
        fail "bin/test $TESTS failed (log: $WORK/test.log)"
    fi
    grep -E '^ *(Ran|Total:) ' "$WORK/test.log" || true
    record "bin/test" "$started"
fi

log "bin/instance start on an empty database, Zope root answers 200"
started=$(now)
start_instance
record "first start" "$started"
stop_instance

log "bin/instance run scripts/create_site.py (DEMO=1)"
started=$(now)
DEMO=1 PORT=$PORT HOST=127.0.0.1 "$WORK/bin/instance" run "$REPO/scripts/create_site.py" \
    || fail "create_site.py failed"
record "create site" "$started"

log "bin/instance start with the site, /Plone answers 200 with the portal title"
started=$(now)
start_instance
record "second start" "$started"
page="$WORK/plone.html"
status=$(http_status "$BASE/Plone" "$page")
[[ $status == 200 ]] || fail "$BASE/Plone answered $status"
grep -qF "$TITLE" "$page" || fail "$BASE/Plone does not contain \"$TITLE\""
echo "$BASE/Plone: 200, contains \"$TITLE\""
stop_instance

log "PASSED $(date -Is)"
for step in "${STEPS[@]}"; do
    printf '  %-14s %6ss\n' "$step" "${TIMINGS[$step]}"
done
