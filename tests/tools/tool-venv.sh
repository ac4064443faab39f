#!/usr/bin/env bash
# Create a virtualenv of its own for an outside tool the tests drive, so its pinned
# libraries never enter the project's environment. Idempotent.
#
#   tests/tools/tool-venv.sh pywb   [DEST]   pywb, replays our WARCs   (default DEST: .pywb-venv)
#   tests/tools/tool-venv.sh wacz   [DEST]   py-wacz's `wacz validate` (default DEST: .cache/wacz-venv)
#
# The tests find them at $NEWSARCHIVE_PYWB_VENV / $NEWSARCHIVE_WACZ_VENV, else at the defaults.
set -euo pipefail
cd "$(dirname "$0")/../.."
case "${1:-}" in
  pywb) spec="pywb>=2.8,<3"; module=pywb; dest="${2:-.pywb-venv}" ;;
  wacz) spec="wacz>=0.5,<1"; module=wacz; dest="${2:-.cache/wacz-venv}" ;;
  *) echo "usage: $0 pywb|wacz [DEST]" >&2; exit 2 ;;
esac
python="${PYTHON:-python3}"
if "$dest/bin/python" -c "import $module" 2>/dev/null; then
  exit 0
fi
mkdir -p "$(dirname "$dest")"
"$python" -m venv "$dest"
"$dest/bin/python" -m pip install --quiet --disable-pip-version-check "$spec"
"$dest/bin/python" -c "import $module; print('$module ready in $dest')"
