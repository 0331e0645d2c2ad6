/**
 * A value built the first time it is asked for, then kept. The app's zod
 * schemas are made this way: built at load, all ~340 instances made loading
 * the app cost +5.7 % over bare core instead of about +2 %, while a step
 * needs only the few it parses with. See docs/PERFORMANCE.md.
 */
export const onFirstUse = <T>(build: () => T): (() => T) => {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
};
