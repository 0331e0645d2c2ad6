/** Every trigger, keyed by its permanent key (the file name). */

// Instant (REST hook) and polling triggers a user picks in the Zap editor.
export const triggers = {
  // (instant and polling triggers are listed here)
  // Hidden triggers that fill dynamic dropdowns.
};
