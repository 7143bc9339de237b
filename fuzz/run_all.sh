#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 180) each, from the committed seeds, and prints
# the number of inputs each ran. Usage: ./run_all.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-180}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
cargo +nightly fuzz build -s none -a
mkdir -p logs
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    cp -n "seeds/$target/"* "corpus/$target/" 2>/dev/null || true
    cargo +nightly fuzz run -s none -a "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
        -print_final_stats=1 >"logs/$target.log" 2>&1 || echo "$target: CRASH (see logs/$target.log)"
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' || echo "?")
    echo "$target: $runs inputs in ${seconds} s"
done
