#!/usr/bin/env bash
# Installs what the test suite needs besides Rust, on a Debian-like machine:
#   * the Python packages of requirements-test.txt (FastAPI, uvicorn, websockets, httpx,
#     openapi-spec-validator, schemathesis…), with pip;
#   * Chromium (Debian's `chromium`), for the docs-page test, with apt-get, if no Chromium is
#     found (needs root or sudo).
# `.ci/run` runs it; run it once on a new machine before `cargo test --workspace`.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet -r requirements-test.txt

if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null \
    && ! command -v google-chrome >/dev/null && [ -z "${FERRAPI_CHROMIUM:-}" ]; then
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium
fi
