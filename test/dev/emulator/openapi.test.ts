import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENAPI_FILE, servedOpenApiDocument } from '../../../dev/emulator/openapi';

describe('docs/openapi.json', () => {
  it('is what the emulator serves at /openapi.json (npm run openapi rewrites it)', async () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', OPENAPI_FILE), 'utf8'));
    expect(committed).toEqual(await servedOpenApiDocument());
  });
});
