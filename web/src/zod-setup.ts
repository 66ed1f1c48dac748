import { config } from 'zod';

// The page's CSP allows no eval. Without this, zod tries `new Function` once to see whether it may
// compile its parsers, and every load logs the CSP's refusal as an error.
config({ jitless: true });
