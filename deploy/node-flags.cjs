// The node flags each service is launched with (deploy/node-flags.conf), for `npm start` (scripts/lib/workspace.mjs)
// and for the services the tests and benches start (test/support/service-process.ts). CommonJS so that both the
// ES-module scripts and the CommonJS-compiled tests can load the one reader; the container entrypoint reads the file
// itself.
const fs = require('node:fs');
const path = require('node:path');

/** @param {string} name @returns {string[]} */
function serviceNodeFlags(name) {
  const conf = fs.readFileSync(path.join(__dirname, 'node-flags.conf'), 'utf8');
  for (const line of conf.split('\n')) {
    const [service, ...flags] = line.trim().split(/\s+/);
    if (service === name) {
      return flags;
    }
  }
  return [];
}

module.exports = { serviceNodeFlags };
