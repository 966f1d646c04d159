#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time (default 60 s each).
#
#   cargo install cargo-fuzz          # once
#   scripts/fuzz.sh                   # all targets, 60 s each
#   SECONDS_PER_TARGET=600 scripts/fuzz.sh extract compare
#
# cargo-fuzz wants nightly Rust. On stable, RUSTC_BOOTSTRAP=1 lets it pass
# its -Z flags, and `--sanitizer none` skips AddressSanitizer (which stable
# cannot link); Rust's own bounds and overflow checks still catch the
# memory bugs safe code can have, and libFuzzer still finds panics, stack
# overflows, timeouts and out-of-memory. Crashes land in
# fuzz/artifacts/<target>/; each one found becomes a regression test.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECS="${SECONDS_PER_TARGET:-60}"
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(extract claims compare config)
export RUSTC_BOOTSTRAP=1
for t in "${TARGETS[@]}"; do
    mkdir -p "corpus/$t"
    echo "== fuzzing $t for ${SECS}s"
    cargo fuzz run --sanitizer none "$t" "corpus/$t" -- \
        -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 -max_len=262144
done
