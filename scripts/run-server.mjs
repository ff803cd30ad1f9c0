/**
 * Runs a server entry point (`server/start.ts` for `npm start`, `server/cli/create-admin.ts`)
 * compiled into one ES module by esbuild, in this process:
 * `node scripts/run-server.mjs server/start.ts [args…]`.
 *
 * Why not tsx, as in development: tsx compiles with esbuild's keepNames, which wraps every
 * function created at run time in an Object.defineProperty call, putting the function's
 * properties in a dictionary: measured here, an object with three closures took 1,034 bytes under
 * tsx and 266 compiled plainly. Per connection that made the server's memory 1.8x the stock
 * y-websocket server's (39.7 against 21.9 KB at 200 clients; 21.4 against 21.5 compiled), and it
 * costs CPU on every callback the realtime core makes. Compiling takes about 150 ms, so it is done
 * at every start; node_modules stay external, resolved from the repository as before.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serverBuildOptions } from './server-build-options.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = process.argv[2];
if (!entry || !entry.endsWith('.ts')) {
	console.error('usage: node scripts/run-server.mjs <server entry point .ts> [arguments…]');
	process.exit(2);
}
const outDir = path.join(root, 'dist', 'server');
const name = path.basename(entry, '.ts');
const outfile = path.join(outDir, `${name}.mjs`);
// Built under a name of its own and renamed into place: tests start several servers at once.
const tmp = path.join(outDir, `.${name}.${process.pid}.mjs`);
fs.mkdirSync(outDir, { recursive: true });
await build(serverBuildOptions(root, entry, tmp));
fs.renameSync(tmp, outfile);
// Stack traces in the logs name the TypeScript sources.
process.setSourceMapsEnabled(true);
// The entry point reads its own arguments from process.argv.slice(2).
process.argv.splice(2, 1);
await import(pathToFileURL(outfile).href);
