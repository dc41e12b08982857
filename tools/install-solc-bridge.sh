#!/usr/bin/env bash
# Install the offline solc bridge where py-solc-x looks for compilers
# (~/.solcx/solc-v<version>, or $SOLCX_BINARY_PATH). Idempotent: rewrites the shim only
# when its content would change. The version is the one package.json pins for `solc`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(node -p "require('$root/package.json').dependencies.solc")
dir=${SOLCX_BINARY_PATH:-$HOME/.solcx}
target="$dir/solc-v$version"
shim=$(cat <<SHIM
#!/bin/sh
# govchain offline solc bridge (solc-js $version from npm); installed by $root/tools/install-solc-bridge.sh
bridge="$root/tools/solc-bridge.js"
if [ ! -f "\$bridge" ]; then
  echo "govchain solc bridge: \$bridge is gone; run \\\`make setup\\\` in your govchain checkout" >&2
  exit 2
fi
exec node "\$bridge" "\$@"
SHIM
)
if [ -f "$target" ] && [ "$(cat "$target")" = "$shim" ]; then
  exit 0
fi
mkdir -p "$dir"
printf '%s\n' "$shim" > "$target.tmp"
chmod +x "$target.tmp"
mv "$target.tmp" "$target"
echo "installed solc bridge $target -> $root/tools/solc-bridge.js"
