import { SingleBar } from 'cli-progress';

export interface Output {
  json: boolean;
  /** The command's result: JSON on stdout with --json, else a human summary. */
  result(value: unknown, human: string): void;
  info(line: string): void;
  progress(totalBytes: number | undefined, label: string): Progress;
}

export interface Progress {
  add(bytes: number): void;
  done(): { bytes: number; seconds: number; mbPerSecond: number };
}

const MB = 1024 * 1024;

export function createOutput(json: boolean): Output {
  return {
    json,
    result(value, human) {
      process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
    },
    info(line) {
      if (!json) {
        process.stderr.write(`${line}\n`);
      }
    },
    progress(totalBytes, label) {
      const started = Date.now();
      let bytes = 0;
      // Progress goes to stderr and only to a terminal, so piped and --json output stays clean.
      const bar =
        !json && process.stderr.isTTY && totalBytes
          ? new SingleBar({
              format: `${label} [{bar}] {percentage}% | {value}/{total} MB | {speed} MB/s`,
              stream: process.stderr,
              hideCursor: true,
            })
          : undefined;
      bar?.start(Math.ceil(totalBytes! / MB), 0, { speed: '0.0' });
      return {
        add(n) {
          bytes += n;
          const seconds = Math.max((Date.now() - started) / 1000, 0.001);
          bar?.update(Math.floor(bytes / MB), { speed: (bytes / MB / seconds).toFixed(1) });
        },
        done() {
          bar?.stop();
          const seconds = Math.max((Date.now() - started) / 1000, 0.001);
          return { bytes, seconds, mbPerSecond: Number((bytes / MB / seconds).toFixed(2)) };
        },
      };
    },
  };
}
