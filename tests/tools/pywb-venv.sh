#!/usr/bin/env bash
# Create a separate virtualenv holding pywb, for the replay test of the WARC archive.
# pywb pins old libraries, so it never goes into the project's environment.
#
#   tests/tools/pywb-venv.sh [DEST]      (default DEST: .pywb-venv in the repository)
#
# The test finds it at $NEWSARCHIVE_PYWB_VENV, else at .pywb-venv. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest="${1:-.pywb-venv}"
python="${PYTHON:-python3}"
if [ -x "$dest/bin/wayback" ] && "$dest/bin/python" -c "import pywb" 2>/dev/null; then
  exit 0
fi
"$python" -m venv "$dest"
"$dest/bin/python" -m pip install --quiet --disable-pip-version-check "pywb>=2.8,<3"
"$dest/bin/python" -c "import pywb; print('pywb', pywb.__version__, 'in', '$dest')"
