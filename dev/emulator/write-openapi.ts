/** `npm run openapi`: writes the emulator's OpenAPI document to docs/openapi.json. */
import { writeFileSync } from 'node:fs';
import { OPENAPI_FILE, servedOpenApiDocument } from './openapi';

servedOpenApiDocument().then(
  (document) => {
    // npm runs scripts from the project's root.
    writeFileSync(OPENAPI_FILE, `${JSON.stringify(document, null, 2)}\n`);
    console.log(`Wrote ${OPENAPI_FILE}: what the emulator serves at /openapi.json.`);
  },
  (error: unknown) => {
    console.error('The emulator could not serve its OpenAPI document:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
