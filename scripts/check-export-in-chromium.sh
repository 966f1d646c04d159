#!/usr/bin/env bash
# Renders `claimwatch export html` in headless Chromium (Debian's `chromium`
# package) and checks what the browser built: the changed amount, and the
# inserted and deleted word markers. Also writes a screenshot to look at.
#
#   scripts/check-export-in-chromium.sh CONFIG [TARGET]
#
# Writes story.html and story.png in the current folder. Set CLAIMWATCH to
# the binary to use (default: `cargo run -q --`) and CHROMIUM to the browser.
set -euo pipefail

config=${1:?usage: $0 CONFIG [TARGET]}
target=${2:-}
browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$browser" ]; then
    echo "$0: Chromium not found: apt-get install -y chromium (or set CHROMIUM)" >&2
    exit 1
fi
read -r -a claimwatch <<< "${CLAIMWATCH:-cargo run -q --}"

"${claimwatch[@]}" --config "$config" export html ${target:+"$target"} -o story.html
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage
       --disable-background-networking --disable-component-update --disable-sync
       --no-first-run --no-default-browser-check "--user-data-dir=$profile")
page="file://$(pwd)/story.html"
dom=$("$browser" "${flags[@]}" --dump-dom "$page" 2>/dev/null)
"$browser" "${flags[@]}" --window-size=1100,2400 --screenshot="$(pwd)/story.png" "$page" 2>/dev/null

status=0
for want in '$40 billion' '<ins>' '<del>'; do
    if ! grep -qF -- "$want" <<< "$dom"; then
        echo "$0: the rendered page lacks $want" >&2
        status=1
    fi
done
[ "$status" -eq 0 ] && echo "story.html renders in $("$browser" --version 2>/dev/null | head -1); screenshot: story.png"
exit "$status"
