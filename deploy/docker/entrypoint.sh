#!/bin/sh
# Starts the service named by APP (gateway, catalog, drm, payments, chain-indexer) the way deploy/node-flags.conf
# says: its NAME=value words go to the environment, the other words are node flags. Paths are relative to the working
# directory (/app in the image); deploy/test/launch.int-spec.ts runs this script against deploy/node-flags.conf.
set -eu
words=$(sed -n "s/^${APP}[[:space:]][[:space:]]*//p" deploy/node-flags.conf 2>/dev/null || true)
vars=""
flags=""
for word in ${words}; do
  case "${word}" in
    [A-Z_]*=*) vars="${vars} ${word}" ;;
    *) flags="${flags} ${word}" ;;
  esac
done
# shellcheck disable=SC2086 # both lists are whitespace-separated words
exec env ${vars} node ${flags} "dist/services/${APP}/src/main.js" "$@"
