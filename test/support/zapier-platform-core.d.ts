// createAppHandler exists at runtime (it is what zapierwrapper.js calls) but
// is missing from core's type declarations.
import 'zapier-platform-core';

declare module 'zapier-platform-core' {
  export function createAppHandler(
    appRawOrPath: string | object,
  ): (event: Record<string, unknown>) => Promise<{ results: unknown }>;
}
