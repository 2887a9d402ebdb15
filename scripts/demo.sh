#!/usr/bin/env bash
# One command from a fresh clone to a running demo: installs what is needed,
# migrates the embedded SQLite database, loads the demo region and serves it.
set -euo pipefail
export DEBUG=true  # a development server: dev-only key, local hosts, plain HTTP
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/bootstrap.sh
PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
$PY manage.py load_demo
# The background worker (a large region is judged again there after an
# import, a threshold change or a new day) runs beside the server and stops
# with it.
$PY manage.py db_worker --no-reload -v0 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
echo
echo "区域营销企划 running on http://127.0.0.1:${PORT:-8000}/  (Ctrl-C to stop)"
$PY manage.py runserver "127.0.0.1:${PORT:-8000}"
