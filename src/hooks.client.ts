/**
 * Runs in the browser before any page's code. zod (the shared domain's schemas) compiles object
 * parsers with `new Function` when it may, and first probes whether it may: under the app's
 * Content-Security-Policy (no 'unsafe-eval', svelte.config.js) the probe is refused and the
 * browser reports a violation, although zod copes. Its interpreter is ample for what the browser
 * parses; the server, under no such policy, keeps the compiled parsers.
 */
import { z } from 'zod';

z.config({ jitless: true });
