import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'data/', 'test-results/', 'bench/results/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			'no-undef': 'off'
		}
	},
	{
		files: ['**/*.ts', '**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: { allowDefaultProject: ['vitest.config.ts'] },
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error'
		}
	},
	{
		// The shared domain module runs in the browser and on the server: no Svelte, no Node built-ins.
		files: ['src/lib/domain/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['node:*', 'fs', 'path', 'crypto', 'http', 'net'],
							message: 'domain code is shared with the browser'
						},
						{
							group: ['svelte', 'svelte/*', '$app/*', '$lib/components/*'],
							message: 'domain code must not depend on the UI'
						},
						{ group: ['yjs/dist/*', 'yjs/src/*'], message: 'use the public yjs entry point' }
					]
				}
			]
		}
	},
	{
		// The realtime core is transport-independent.
		files: ['server/rooms/**/*.ts', 'server/store/**/*.ts', 'server/guard/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['express', 'socket.io', 'ws', '../transport/*'],
							message: 'the core must not import a transport'
						}
					]
				}
			]
		}
	}
);
