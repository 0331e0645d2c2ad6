/** Every search and search-or-create, keyed by its permanent key. */
export const searches = {};
export const searchOrCreates = {};
