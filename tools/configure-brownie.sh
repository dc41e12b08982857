#!/usr/bin/env bash
# Configure brownie's user-level network list (~/.brownie/network-config.yaml) for govchain:
#  - `development` (brownie test): Anvil on port 8555 with 20 accounts and a 30M block gas limit,
#    so tests never touch the persistent demo chain on 8545;
#  - `govchain-local`: the persistent local chain that `make demo` starts on 8545 (chain id 31337).
# brownie 1.22 cannot take cmd_settings from brownie-config.yaml (its compiled config loader
# rejects them), hence this step. Idempotent: does nothing once configured.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
brownie="$root/.venv/bin/brownie"
config="${BROWNIE_DATA_FOLDER:-$HOME/.brownie}/network-config.yaml"
if [ -f "$config" ] && grep -q "port: 8555" "$config" && grep -q "id: govchain-local" "$config"; then
  exit 0
fi
cd "$root"
"$brownie" networks modify development port=8555 gas_limit=30000000 accounts=20 >/dev/null
if ! grep -q "id: govchain-local" "$config"; then
  "$brownie" networks add Govchain govchain-local host=http://127.0.0.1:8545 chainid=31337 >/dev/null
fi
echo "configured brownie networks in $config"
