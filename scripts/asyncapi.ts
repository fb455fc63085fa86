// Writes docs/asyncapi.yaml from the topic registry in libs/events (`npm run asyncapi`).
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderAsyncApiYaml } from '@tessera/events/asyncapi';

const root = path.resolve(__dirname, '..');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
const target = path.join(root, 'docs', 'asyncapi.yaml');
writeFileSync(target, renderAsyncApiYaml(version));
process.stdout.write(`wrote ${path.relative(root, target)}\n`);
