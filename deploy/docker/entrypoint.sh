#!/bin/sh
# Starts the service named by APP (gateway, catalog, drm, payments, chain-indexer) with its node flags from
# deploy/node-flags.conf.
set -eu
flags=$(sed -n "s/^${APP}[[:space:]][[:space:]]*//p" /app/deploy/node-flags.conf 2>/dev/null || true)
# shellcheck disable=SC2086 # the flags are whitespace-separated words
exec node --enable-source-maps ${flags} "dist/services/${APP}/src/main.js" "$@"
