/** Every action, keyed by its permanent key. */
export const creates = {};
