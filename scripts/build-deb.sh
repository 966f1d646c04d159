#!/usr/bin/env bash
# Builds the Debian package: target/debian/claimwatch_VERSION-1_ARCH.deb.
#
#   scripts/build-deb.sh [cargo-deb options, e.g. --locked]
#
# First writes the generated files (man pages, shell completions, the
# packaged unit and config) into target/deb-assets/ with
# examples/gen_assets.rs, then runs `cargo deb`, which builds the release
# binary and packs everything [package.metadata.deb] in Cargo.toml lists.
# Needs cargo-deb: `cargo install cargo-deb --locked`.
#
# target/deb-assets/ is in the source tree's target/ even when
# CARGO_TARGET_DIR points elsewhere: cargo-deb reads every asset other than
# the binary relative to the package.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo deb --version >/dev/null 2>&1; then
    echo "build-deb: cargo-deb is missing: cargo install cargo-deb --locked" >&2
    exit 1
fi

locked=()
for a in "$@"; do
    [ "$a" = --locked ] && locked=(--locked)
done

cargo run --quiet "${locked[@]}" --example gen_assets -- target/deb-assets
# The package is written to the source tree's target/debian/ too, wherever
# the build goes, so the documented path holds. --strip: the release
# profile's line tables are for profiling and backtraces in development;
# they would make the installed binary ~100 MB instead of ~18.
cargo deb --strip --output target/debian/ "$@"
