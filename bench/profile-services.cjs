// Preload that CPU-profiles a service the benches spawn, from its start until it is told to stop (SIGTERM), and
// writes $PROF_DIR/<service>.<pid>.cpuprofile. `--cpu-prof` is refused in NODE_OPTIONS and the services are spawned
// without extra flags, so this goes in through --require instead:
//   PROF_DIR=$PWD/bench/results/tmp/prof NODE_OPTIONS="--require $PWD/bench/profile-services.cjs" npm run bench -- key_release
// then `npx tsx bench/profile-top.ts bench/results/tmp/prof/drm.<pid>.cpuprofile`. Processes that exit without a
// SIGTERM (npm, the bench itself) write nothing.
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.PROF_DIR;
// dist/services/<name>/src/main.js
const service = (process.argv[1] ?? '').split(path.sep).slice(-3, -2)[0] ?? 'node';
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  const stop = () => {
    // Removed first: the service's own handler re-raises the signal, and then it must terminate as usual.
    process.removeListener('SIGTERM', stop);
    // An in-process session answers synchronously, so the file is written before the service shuts down.
    session.post('Profiler.stop', (error, result) => {
      if (!error) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, `${service}.${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      }
    });
    // A process with no handler of its own would otherwise ignore the signal this listener swallowed.
    if (process.listenerCount('SIGTERM') === 0) {
      process.kill(process.pid, 'SIGTERM');
    }
  };
  process.on('SIGTERM', stop);
}
