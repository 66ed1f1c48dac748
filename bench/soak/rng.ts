// The soak's fault schedule uses the same seeded source as the tests (mulberry32).
export { Rng } from '../../test/support/rng.js';
