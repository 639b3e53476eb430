#!/usr/bin/env bash
# The whole test suite on a fresh machine, in one command (README's second command, and what
# `.ci/run` runs): installs what the tests need besides Rust (`scripts/test-deps.sh`: the
# Python packages of requirements-test.txt, Chromium), then runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-deps.sh
cargo test --workspace "$@"
