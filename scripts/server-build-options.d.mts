import type { BuildOptions } from 'esbuild';

/** See server-build-options.mjs. */
export function serverBuildOptions(root: string, entry: string, outfile: string): BuildOptions;
