#!/usr/bin/env bash
# Runs the development edit-detection benchmark (EVAL_DIR: its folder) on a
# release build and prints its table: per-kind recall, noise false alarms
# and spurious claim changes. Not part of `cargo test`.
#
#   scripts/eval-edits.sh [OUTDIR]      # default OUTDIR: /tmp/claimwatch-edits
#
# Needs python3 and the benchmark checked out next to the project
# (EVAL_DIR overrides its location). STRICT=1 (the default here) counts a hit
# only when the reported kind is the expected one; JOBS sets parallel cases.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval_dir="${EVAL_DIR:-$root/../shared/eval/edits}"
out="${1:-/tmp/claimwatch-edits}"
target="${CARGO_TARGET_DIR:-$root/target}"

if [ ! -f "$eval_dir/run.sh" ]; then
    echo "benchmark not found in $eval_dir (set EVAL_DIR)" >&2
    exit 2
fi

cd "$root"
cargo build --release --locked --bin claimwatch
mkdir -p "$out"
STRICT="${STRICT:-1}" JOBS="${JOBS:-2}" bash "$eval_dir/run.sh" "$target/release/claimwatch" "$out"
