import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

describe('release readiness', () => {
  it('CHANGELOG.md describes the package version, as zapier promote reads it', () => {
    const out = execFileSync(process.execPath, ['dev/scripts/check-changelog.mjs'], {
      cwd: resolve(__dirname, '..'),
      encoding: 'utf8',
    });
    expect(out).toMatch(/^CHANGELOG\.md describes \d+\.\d+\.\d+\./);
  });
});
