#!/usr/bin/env bash
# The documented commands, run as written on a fresh clone (scripts/drills.py
# says which and how): make run and its settings, backup and restore, ZEO and
# RelStorage, buildout, make test of one module, make bench, the in-process
# tests at both sides of 17:00 UTC. Prints PASS/FAIL per drill; exits 1 when
# any failed.
#
#     bash scripts/ci-drills.sh [DRILL ...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
exec .venv/bin/python scripts/drills.py "$@"
