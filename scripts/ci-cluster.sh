#!/usr/bin/env bash
# docs/operations.md's cluster (make cluster, migration, import, stop) on a
# fresh clone, with loads through HAProxy: numbering 2 instances x 8
# clients each (16), kill -9 failover (scripts/cluster_drill.py says what each step
# checks). Prints PASS/FAIL per step; exits 1 when any failed.
#
#     bash scripts/ci-cluster.sh [STEP ...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
exec .venv/bin/python scripts/cluster_drill.py "$@"
