#!/usr/bin/env bash
# Create .venv at the repository root and install Podium with its development extras.
# Idempotent: a second run only checks that everything is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3

if ! "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "Podium needs Python 3.11 or newer; $PYTHON is $("$PYTHON" --version 2>&1)" >&2
  exit 1
fi

# Debian and Ubuntu ship venv and bubblewrap (the scoring sandbox) as separate packages.
missing=()
"$PYTHON" -c 'import ensurepip' 2>/dev/null || missing+=("python3-venv")
command -v bwrap >/dev/null || missing+=("bubblewrap")
# The scorers' C scanner (scorers/csrc/) is compiled at install: a C compiler and Python's
# headers.
command -v gcc >/dev/null || missing+=("gcc")
"$PYTHON" -c 'import os, sysconfig; assert os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))' 2>/dev/null \
  || missing+=("python3-dev")
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "Please install: ${missing[*]} (e.g. sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# Every dependency at the version in constraints.txt (what CI tested), so a new release cannot
# change a score silently. torch first: with it in place, transformers does not pull another.
.venv/bin/python -m pip install --quiet -c constraints.txt "torch==2.13.0"
.venv/bin/python -m pip install --quiet -c constraints.txt -e ".[dev,baselines,scoring-runtime]"
# The participant CLI is its own package (client/, no Django); the tests drive it.
.venv/bin/python -m pip install --quiet -c constraints.txt -e ./client
