#!/usr/bin/env bash
# Run the whole test suite. With DATABASE_URL and CELERY_BROKER_URL set it runs against
# PostgreSQL and Redis, and the tests marked `services` run too.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
