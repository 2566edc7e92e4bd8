// Which Node.js erpbi runs on. The one source is package.json's `engines.node`; this module only reads
// it (with semver, as npm itself does), so `npm start` and the `erpbi` CLI refuse the same versions npm
// warns about. Plain JavaScript on purpose: bin/erpbi.mjs checks before tsx is loaded, so an old Node
// gets this message rather than a loader's stack trace.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const semver = require('semver');
const { engines } = require('../package.json');

/** package.json's `engines.node`, e.g. `^22.11.0 || ^24.11.0`. */
export const supportedNode = engines.node;

/** The major lines `supportedNode` allows, e.g. [22, 24]. */
export function supportedLines(range = supportedNode) {
  return [...new Set(new semver.Range(range).set.map((comparators) => comparators[0].semver.major))].sort((a, b) => a - b);
}

/** Why `version` may not run erpbi, in one line; undefined when it may. */
export function nodeSupportProblem(version = process.version, range = supportedNode) {
  if (semver.satisfies(version, range)) return undefined;
  const lines = supportedLines(range);
  const why = semver.gtr(version, range)
    ? 'is newer than any Node.js line erpbi is tested on'
    : 'has reached its end of life (no more security fixes) or is older than erpbi supports';
  return `erpbi: Node.js ${version} ${why}. Supported: Node.js ${lines.join(' or ')} (package.json engines: "${range}"); install Node.js ${lines.at(-1)} LTS.`;
}

/** Exits with code 1 and the problem on stderr when this Node.js may not run erpbi. */
export function refuseUnsupportedNode(version = process.version) {
  const problem = nodeSupportProblem(version);
  if (!problem) return;
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
