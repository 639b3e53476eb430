#!/usr/bin/env bash
# Route matching cost with 10, 100 and 1,000 routes (see src/bin/route_scaling.rs), pinned to
# one CPU. Prints a Markdown table; docs/benchmarks.md records its output.
#
#   bash benches/route_scaling.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release --target-dir target/bench -p ferrapi-benches --bin route_scaling >&2
exec taskset -c "${CPU:-0}" target/bench/release/route_scaling
