// Exits non-zero unless CHANGELOG.md has a section for the package version,
// read with the same parser `zapier-platform promote` uses.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { getVersionChangelog } = require('zapier-platform-cli/src/utils/changelog.js');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const { changelog } = await getVersionChangelog(version);
if (!changelog) {
  console.error(`CHANGELOG.md has no section for version ${version}; add "## ${version}" with its changes.`);
  process.exit(1);
}
console.log(`CHANGELOG.md describes ${version}.`);
