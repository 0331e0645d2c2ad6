import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { onFirstUse } from '../../../lib/api/on-first-use';

const PROJECT = join(__dirname, '..', '..', '..');
/** What goes into build.zip: the files and folders whose coverage jest measures (`folder/**\/*.ts`). */
const { collectCoverageFrom } = require('../../../jest.config.js') as { collectCoverageFrom: string[] };
const SHIPPED = collectCoverageFrom.map((pattern) => pattern.replace(/\/\*\*\/\*\.ts$/, ''));

const typeScriptFiles = (path: string): string[] =>
  statSync(join(PROJECT, path)).isDirectory()
    ? readdirSync(join(PROJECT, path), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .map((file) => join(path, file))
    : [path];

describe('a value built on first use', () => {
  it('is built when it is first asked for, and only once', () => {
    const build = jest.fn(() => ({ schema: 'built' }));
    const value = onFirstUse(build);
    expect(build).not.toHaveBeenCalled();
    expect(value()).toBe(value());
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('is how shipped code makes its schemas: no module builds one when the app loads', () => {
    const builtAtLoad = SHIPPED.flatMap(typeScriptFiles).flatMap((file) =>
      readFileSync(join(PROJECT, file), 'utf8')
        .split('\n')
        .flatMap((line, index) => (/^(export )?const \w+ = zod\./.test(line) ? [`${file}:${index + 1}`] : [])),
    );
    expect(builtAtLoad).toEqual([]);
  });
});
