#!/usr/bin/env bash
# Rebuilds the committed contract artifacts and Go bindings from src/:
#   1. installs the pinned solc (package-lock.json) into contracts/node_modules,
#   2. compiles src/*.sol into artifacts/<Name>.abi and .bin,
#   3. regenerates bindings/ with go-ethereum's abigen v2 at the go.mod version.
# Needs node/npm and Go. go test ./contracts fails while the committed files
# differ from what this script produces.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -d node_modules/solc ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund
fi
node scripts/compile.js artifacts

abigen_version="$(cd .. && go list -m -f '{{.Version}}' github.com/ethereum/go-ethereum)"
for name in CommitteeRegistry BatchInbox; do
	out="bindings/$(echo "$name" | tr '[:upper:]' '[:lower:]').go"
	go run "github.com/ethereum/go-ethereum/cmd/abigen@${abigen_version}" --v2 \
		--abi "artifacts/$name.abi" --bin "artifacts/$name.bin" \
		--pkg bindings --type "$name" --out "$out"
done
echo "bindings regenerated with abigen ${abigen_version}"
