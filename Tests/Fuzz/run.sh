#!/usr/bin/env bash
# Fuzz one of the parsers for a while:   Tests/Fuzz/run.sh json|csv|idx|npy|gzip [SECONDS]   (default 600)
#
# Builds a libFuzzer binary (swiftc -sanitize=fuzzer,address) from FuzzTargets.swift and the library's sources, runs
# it on a working corpus seeded from Tests/Fuzz/Seeds/<parser>, and writes any crash, leak, timeout or oversized
# allocation to Tests/Fuzz/Regressions/<parser>/, where `swift test` replays it. Prints libFuzzer's summary
# (executions, coverage, executions per second).
set -euo pipefail
parser=${1:?usage: run.sh json|csv|idx|npy|gzip [SECONDS]}
seconds=${2:-600}
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
case "$parser" in json|csv|idx|npy|gzip) ;; *) echo "run.sh: unknown parser '$parser'" >&2; exit 2 ;; esac
flag=$(echo "$parser" | tr a-z A-Z)
build="$root/.build/fuzz"
mkdir -p "$build" "$build/corpus-$parser" "$here/Regressions/$parser"
binary="$build/fuzz-$parser"
sources=$(find "$root/Sources/Backprop" -name '*.swift' | sort)
if [ ! -x "$binary" ] || [ -n "$(find "$root/Sources/Backprop" "$here/FuzzTargets.swift" -newer "$binary" -name '*.swift' | head -1)" ]; then
    echo "building $binary" >&2
    # The system's zlib, as the package's CZlib module map imports it.
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name BackpropFuzz -target-cpu native \
        -I "$root/Sources/CZlib" -lz \
        -D "FUZZ_$flag" "$here/FuzzTargets.swift" $sources -o "$binary" 2>&1 | grep -v "Cannot export local symbol" >&2 || true
fi
cp -n "$here/Seeds/$parser/"* "$build/corpus-$parser/" 2>/dev/null || true
# Swift's own crash backtracer would hang under the sanitizer; libFuzzer reports crashes itself.
SWIFT_BACKTRACE=enable=no "$binary" "$build/corpus-$parser" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
    -artifact_prefix="$here/Regressions/$parser/" -print_final_stats=1 2>&1 | tail -25
