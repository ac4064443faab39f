#!/usr/bin/env bash
# Create a separate virtualenv holding py-wacz, whose `wacz validate` checks the WACZ
# files newsarchive writes. py-wacz brings frictionless and its many dependencies, so it
# stays out of the project's environment.
#
#   tests/tools/wacz-venv.sh [DEST]      (default DEST: .cache/wacz-venv in the repository)
#
# The test finds it at $NEWSARCHIVE_WACZ_VENV, else at .cache/wacz-venv. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest="${1:-.cache/wacz-venv}"
python="${PYTHON:-python3}"
if [ -x "$dest/bin/wacz" ] && "$dest/bin/python" -c "import wacz" 2>/dev/null; then
  exit 0
fi
mkdir -p "$(dirname "$dest")"
"$python" -m venv "$dest"
"$dest/bin/python" -m pip install --quiet --disable-pip-version-check "wacz>=0.5,<1"
"$dest/bin/wacz" --version
