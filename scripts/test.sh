#!/usr/bin/env bash
# The README's test command: installs what the tests need, then runs them.
#
#   scripts/test.sh                       # the whole suite
#   scripts/test.sh --test systemd        # extra arguments go to `cargo test`
#
# A few tests use real programs from Debian packages:
#   python3-aiosmtpd   a real SMTP server on loopback (tests/email.rs)
#   chromium           renders the HTML export headless (tests/export.rs)
#   systemd            systemd-analyze checks the unit file (tests/systemd.rs)
#   python3-feedparser a real feed parser reads the Atom export (tests/export.rs)
# As root, the missing ones are installed with apt-get. Otherwise the script
# prints the command that installs them and stops without running anything.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(python3-aiosmtpd chromium systemd python3-feedparser)

installed() {
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

if command -v dpkg >/dev/null 2>&1; then
    missing=()
    for p in "${packages[@]}"; do
        installed "$p" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" -eq 0 ]; then
            echo "scripts/test.sh: installing ${missing[*]}" >&2
            export DEBIAN_FRONTEND=noninteractive
            # Waits for another apt or dpkg run to finish rather than failing.
            apt-get -o DPkg::Lock::Timeout=600 update -qq
            apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
        else
            {
                echo "scripts/test.sh: the tests need Debian packages that are not installed: ${missing[*]}"
                echo "Install them (as root), then run scripts/test.sh again:"
                echo
                echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
            } >&2
            exit 1
        fi
    fi
else
    echo "scripts/test.sh: no dpkg here; the tests need what Debian's packages" \
        "${packages[*]} provide (see the comment at the top of this script)" >&2
fi

exec cargo test --locked "$@"
