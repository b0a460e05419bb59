#!/usr/bin/env bash
# Set up Podium, seed the demo tasks and run the web server plus a Celery worker (with beat),
# all on embedded defaults: SQLite and files under var/, a broker folder under var/broker/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

PORT=${PORT:-8000}
mkdir -p var/log
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo

.venv/bin/celery -A podium worker -B -Q scoring,gpu --concurrency 2 --loglevel INFO \
  --schedule var/celerybeat-schedule >var/log/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM

cat <<MSG

Podium is running at http://127.0.0.1:$PORT/  (admin: http://127.0.0.1:$PORT/admin/)
The worker logs to var/log/worker.log. The demo logins are listed above. Stop with Ctrl-C.

MSG
.venv/bin/python manage.py runserver "127.0.0.1:$PORT"
