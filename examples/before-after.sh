#!/bin/sh
# A before/after of a target change, reviewed with `kpiframe diff` and `kpiframe check --since`.
# It copies examples/acme into a temporary git repository of its own (this project's history
# plays no part), commits it as "before", lowers one target as "after", then records why.
# Needs git and kpiframe (set KPIFRAME to run another command, e.g. "python -m kpiframe").
set -eu
kpiframe=${KPIFRAME:-kpiframe}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$here/acme" "$work/acme"
cd "$work"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=Demo GIT_AUTHOR_EMAIL=demo@example.com \
       GIT_COMMITTER_NAME=Demo GIT_COMMITTER_EMAIL=demo@example.com \
       GIT_AUTHOR_DATE=2026-09-01T12:00:00Z GIT_COMMITTER_DATE=2026-09-01T12:00:00Z
git init -q -b main && git add -A && git commit -q -m "The framework as agreed"

edit() {  # edit FILE SED-SCRIPT, portable across GNU and BSD sed
    sed "$2" "$1" > "$1.new" && mv "$1.new" "$1"
}

echo "## After: sales lowers its ARR target from 9000 to 7500 USD k"
edit acme/kpis/sales.yaml 's/^target: {value: 9000, date: 2026-12-31}$/target: {value: 7500, date: 2026-12-31}/'
$kpiframe diff main acme || true
echo
$kpiframe check acme --since main --select KF4 || echo "(exit $?)"
echo
echo "## Fixed: the change is recorded with its reason and who agreed"
edit acme/kpis/sales.yaml '/^target: {value: 7500, date: 2026-12-31}$/a\
revisions:\
  - {date: 2026-09-30, field: target, from: 9000, to: 7500, reason: Two enterprise deals moved to 2027, approved_by: Maya Chen}
'
$kpiframe check acme --since main --select KF4 && echo "(exit 0)"
