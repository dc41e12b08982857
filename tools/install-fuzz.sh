#!/usr/bin/env bash
# schemathesis (the OpenAPI fuzzer of benchmarks/bench_api_fuzz.py) in its own virtualenv, .venv-fuzz:
# it needs hypothesis >= 6.130 while eth-brownie pins hypothesis 6.27.3, so the two cannot share .venv.
# The pin is pyproject.toml's `fuzz` extra. Idempotent: reinstalls only when the pin changes.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
pin=$("$PYTHON" -c 'import tomllib; print(" ".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["fuzz"]))')
if [ -x .venv-fuzz/bin/schemathesis ] && [ "$(cat .venv-fuzz/.installed 2>/dev/null)" = "$pin" ]; then exit 0; fi
[ -x .venv-fuzz/bin/python ] || "$PYTHON" -m venv .venv-fuzz
.venv-fuzz/bin/pip install --quiet --disable-pip-version-check $pin
echo "$pin" > .venv-fuzz/.installed
