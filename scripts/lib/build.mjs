#!/usr/bin/env node
// `npm run build`: nest build of every application whose source exists. The tsc builder compiles the
// whole tsconfig.build.json program, so one build normally emits every app; any app still missing its
// entry point afterwards is built on its own.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, exec, services } from './workspace.mjs';

const apps = services();
if (apps.length === 0) {
  process.stdout.write('build: no service has a src/main.ts yet, nothing to build\n');
  process.exit(0);
}
const nest = path.join(ROOT, 'node_modules', '.bin', 'nest');
const started = Date.now();
for (const app of apps) {
  if (app !== apps[0] && fs.existsSync(app.entry) && fs.statSync(app.entry).mtimeMs >= started) {
    continue;
  }
  process.stdout.write(`build: nest build ${app.name}\n`);
  const code = await exec(nest, ['build', app.name]);
  if (code !== 0) {
    process.exit(code);
  }
}
const missing = apps.filter((app) => !fs.existsSync(app.entry));
if (missing.length > 0) {
  process.stderr.write(`build: no output for ${missing.map((app) => app.name).join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(`build: ${apps.map((app) => app.name).join(', ')} -> dist/\n`);
