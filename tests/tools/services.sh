#!/usr/bin/env bash
# Install the outside programs the test suite uses, where this machine lets us:
#   wget   builds a WARC with `wget --warc-file` for the replay tests (OS package)
#   chromium  opens `newsarchive report` pages headless in the report test (OS package)
#   pywb   replays our WARCs in the archive test (own virtualenv: it pins old libraries)
#   wacz   py-wacz's `wacz validate` checks our WACZ files (own virtualenv)
# Tests that need one of these skip locally when it is missing, and fail in CI (CI=true).
set -u
cd "$(dirname "$0")/../.."
need=()
command -v wget >/dev/null 2>&1 || need+=(wget)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
  || command -v google-chrome >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing: ${need[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null) \
      || echo "warning: could not install ${need[*]}" >&2
  else
    echo "note: ${need[*]} missing and cannot be installed here (not root or no apt-get); tests needing it will skip" >&2
  fi
fi
bash tests/tools/tool-venv.sh pywb || echo "warning: could not create the pywb virtualenv" >&2
bash tests/tools/tool-venv.sh wacz || echo "warning: could not create the py-wacz virtualenv" >&2
# Never fail here: the tests that need a missing piece say so (and fail in CI).
exit 0
