import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStack } from '../stack.js';
import { asyncApiDocument } from './asyncapi.js';

// `npm run docs:asyncapi`: writes docs/asyncapi.json, the events' description kept in the repo for
// readers without a running box. tests/deploy/asyncapi.test.ts fails while it differs from what the
// registry and stack.yml generate, so a changed contract shows up in review.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
writeFileSync(join(root, 'docs', 'asyncapi.json'), `${JSON.stringify(asyncApiDocument(readStack(join(root, 'stack.yml')), { version }), null, 2)}\n`);
console.log('docs/asyncapi.json written');
