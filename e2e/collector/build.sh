#!/usr/bin/env bash
# Builds the OpenTelemetry Collector the tests run (main.go: the contrib
# components of runtime/collector/collector.yaml) with the machine's Go, once
# per version of its sources, into a cache outside the clone; prints its path.
# AUTOMETRICS_CACHE_DIR moves the cache (default ~/.cache/autometrics).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${AUTOMETRICS_CACHE_DIR:-$HOME/.cache/autometrics}"
if ! command -v go >/dev/null; then
  for candidate in /usr/local/go/bin /usr/lib/go/bin; do [ -x "$candidate/go" ] && PATH="$candidate:$PATH"; done
fi
command -v go >/dev/null || { echo "go is not installed: the collector is built from its Go modules with Go 1.26 (https://go.dev/dl, or apt-get install golang-go where it is 1.26)" >&2; exit 1; }
key="$(cat "$here/go.mod" "$here/go.sum" "$here/main.go" | sha256sum | cut -c1-16)"
binary="$cache/otelcol/$key/otelcol-autometrics"
if [ ! -x "$binary" ]; then
  export GOPATH="$cache/go" GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" GOFLAGS=-mod=readonly
  mkdir -p "$(dirname "$binary")"
  echo "building the OpenTelemetry Collector into $binary (the first time takes a few minutes)" >&2
  (cd "$here" && go build -trimpath -o "$binary.partial" .)
  mv "$binary.partial" "$binary"
fi
echo "$binary"
