// How each service's node process is launched (deploy/node-flags.conf): its node flags and any environment its
// runtime reads (e.g. glibc's malloc tunables). Used by `npm start` (scripts/start.mjs) and by the services the tests
// and benches start (test/support/service-process.ts). CommonJS so that both the ES-module scripts and the
// CommonJS-compiled tests can load the one reader; the container entrypoint reads the file itself.
const fs = require('node:fs');
const path = require('node:path');

const ENV_ASSIGNMENT = /^[A-Z_][A-Z0-9_]*=/;

/** @param {string} name @returns {{ flags: string[], env: Record<string, string> }} */
function serviceLaunch(name) {
  const conf = fs.readFileSync(path.join(__dirname, 'node-flags.conf'), 'utf8');
  for (const line of conf.split('\n')) {
    const [service, ...words] = line.trim().split(/\s+/);
    if (service === name) {
      const env = {};
      for (const word of words.filter((w) => ENV_ASSIGNMENT.test(w))) {
        const eq = word.indexOf('=');
        env[word.slice(0, eq)] = word.slice(eq + 1);
      }
      return { flags: words.filter((w) => !ENV_ASSIGNMENT.test(w)), env };
    }
  }
  return { flags: [], env: {} };
}

module.exports = { serviceLaunch };
