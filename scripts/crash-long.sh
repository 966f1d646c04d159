#!/usr/bin/env bash
# The long crash-safety run: the same test as CI (tests/crash.rs) with many
# more SIGKILLs. Each kill takes about 1.4 s, so the default 1000 kills run
# for about 25 minutes.
#
#   scripts/crash-long.sh                 # 1000 kills, a seed from the clock
#   KILLS=300 SEED=12345 scripts/crash-long.sh
#
# A failure prints the seed; run again with that SEED to replay the same
# kill moments (the server's timing still varies a little).
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS="${KILLS:-1000}"
SEED="${SEED:-$(date +%s)}"
echo "crash-long: $KILLS kills, seed $SEED"
CLAIMWATCH_CRASH_KILLS="$KILLS" CLAIMWATCH_CRASH_SEED="$SEED" \
    cargo test --test crash -- --nocapture --test-threads=1
