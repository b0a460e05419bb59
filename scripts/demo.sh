#!/usr/bin/env bash
# Set up Podium, seed the demo tasks and run the web server plus a Celery worker (with beat),
# all on embedded defaults: SQLite and files under var/, a broker folder under var/broker/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

PORT=${PORT:-8000}
mkdir -p var/log
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo   # queues the demo baselines; the workers below train them

# Two workers: one scores uploads (and runs beat), one trains baselines (the `gpu` queue), so the
# demo baselines that seed_demo queued never hold up a participant's upload.
.venv/bin/celery -A podium worker -B -Q scoring -n scoring@%h --concurrency 2 --loglevel INFO \
  --schedule var/celerybeat-schedule >var/log/worker.log 2>&1 &
scoring=$!
.venv/bin/celery -A podium worker -Q gpu -n baselines@%h --concurrency 1 --loglevel INFO \
  >var/log/baseline-worker.log 2>&1 &
baselines=$!
trap 'kill $scoring $baselines 2>/dev/null; wait $scoring $baselines 2>/dev/null' EXIT INT TERM

cat <<MSG

Podium is running at http://127.0.0.1:$PORT/  (admin: http://127.0.0.1:$PORT/admin/)
The demo logins are listed above. The baselines train in the background (a minute or two);
each results page says so until its baseline rows appear. Workers log to var/log/. Stop with Ctrl-C.

MSG
# DEBUG off: visitors see the friendly 404 and 500 pages, not Django's debug page with the URL
# list; --insecure lets runserver serve the static files without DEBUG.
DEBUG=false .venv/bin/python manage.py runserver --insecure "127.0.0.1:$PORT"
