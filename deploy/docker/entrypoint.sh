#!/bin/sh
# Starts the service named by APP (gateway, catalog, drm, payments, chain-indexer).
set -eu
exec node --enable-source-maps "dist/services/${APP}/src/main.js" "$@"
