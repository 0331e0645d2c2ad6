// How core finds a function's path in the app (what z.dehydrate and the app tester use).
declare module 'zapier-platform-core/src/tools/resolve-method-path' {
  export default function resolveMethodPath(app: object, method: unknown): string | undefined;
}
