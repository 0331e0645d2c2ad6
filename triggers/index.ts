/** Every trigger, keyed by its permanent key. */
export const triggers = {};
