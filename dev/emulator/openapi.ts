/**
 * The emulator's OpenAPI document, as it serves it at /openapi.json. A copy
 * is committed as docs/openapi.json (generated: biome leaves it alone), so
 * that CodeTether's server team can read the API this project targets
 * without running anything. `npm run openapi` rewrites it; a test fails
 * when the copy and the served document differ.
 */
import { startEmulator } from './server';

/** Where the committed copy lives, from the project's root. */
export const OPENAPI_FILE = 'docs/openapi.json';

export const servedOpenApiDocument = async (): Promise<unknown> => {
  const emulator = await startEmulator();
  try {
    const response = await fetch(`${emulator.url}/openapi.json`);
    return await response.json();
  } finally {
    await emulator.close();
  }
};
