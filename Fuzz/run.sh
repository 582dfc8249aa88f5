#!/usr/bin/env bash
# Runs each fuzz target (built by `make fuzz` with -sanitize=fuzzer) for a bounded time, on a
# corpus seeded from upstream's data read in place (../shared/conformance) and the inputs kept
# under Tests/FuzzRegressionTests/Inputs. An input that breaks a property (a crash, a hang of
# over 10 s, 2 GB of memory) is copied to Tests/FuzzRegressionTests/Inputs/<target>/, where
# FuzzRegressionTests replays it from then on, and the run fails.
# Usage: Fuzz/run.sh SECONDS_PER_TARGET CONFORMANCE_DIR
# With FUZZ_RUNS=N each target runs N inputs from a fixed seed instead of for a time: the same
# inputs on every machine, so that CI does not fail on whatever a timed run happens to reach.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
conformance=${2:-../shared/conformance}
bin=Fuzz/.build/release
work=.build/fuzz
kept=Tests/FuzzRegressionTests/Inputs
status=0
for target in parser log plan; do
    case $target in
        parser) exe=FuzzParser; seeds=("$conformance/parser-simple_tests" "$conformance/profiles-apparmor.d/abstractions") ;;
        log) exe=FuzzLog; seeds=("$conformance/libapparmor-test_multi" "$conformance/utils-test/logprof") ;;
        plan) exe=FuzzPlan; seeds=() ;;
    esac
    corpus=$work/corpus-$target
    crashes=$work/crashes-$target
    mkdir -p "$corpus" "$crashes"
    existing=()
    for d in "${seeds[@]}" "$kept/$target"; do [ -d "$d" ] && existing+=("$d"); done
    if [ -n "${FUZZ_RUNS:-}" ]; then bound=(-runs="$FUZZ_RUNS" -seed=1); what="$FUZZ_RUNS runs from seed 1"
    else bound=(-max_total_time="$seconds"); what="$seconds s"; fi
    echo "fuzz $target: $what, seeds: ${existing[*]}"
    SWIFT_BACKTRACE=enable=no "$bin/$exe" "${bound[@]}" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "${existing[@]}" >"$work/$target.log" 2>&1
    rc=$?
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)' "$work/$target.log" | sed "s/^/  /"
    for f in "$crashes"/*; do
        [ -f "$f" ] || continue
        name=$(basename "$f")
        cp "$f" "$kept/$target/$name"
        echo "  KEPT $kept/$target/$name (replayed by FuzzRegressionTests)"
        rm -f "$f"
        status=1
    done
    if [ $rc -ne 0 ]; then
        echo "  fuzz $target failed (rc $rc); see $work/$target.log"
        tail -20 "$work/$target.log" | sed "s/^/    /"
        status=1
    fi
done
exit $status
