import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** What feature folders must not import: the HTTP framework, the transports' libraries, REST routes. */
const NO_HTTP = [
	{
		group: ['express', 'express/*', 'socket.io', 'ws'],
		message: 'feature code knows no HTTP framework or transport library'
	},
	{ regex: '^(\\.\\./)+api/', message: 'feature code must not import REST routes (server/api/)' }
];
/** The core must not import a transport. */
const NO_TRANSPORT = {
	group: ['../transport/*', '../../transport/*'],
	message: 'the core must not import a transport'
};
/**
 * A feature reaches its tables through its repository interfaces; only its sqlite/ folder knows
 * SQLite (PostgreSQL implementations will sit beside it).
 */
const NO_SQLITE = [
	{ group: ['better-sqlite3'], message: 'only a feature’s sqlite/ folder knows SQLite' },
	{
		regex: '^(\\.\\./)+store/sqlite/',
		message: 'only a feature’s sqlite/ folder knows SQLite; use the repository interfaces'
	}
];
/** Likewise, only a feature's postgres/ folder knows PostgreSQL. */
const NO_POSTGRES = [
	{ group: ['pg'], message: 'only a feature’s postgres/ folder knows PostgreSQL' },
	{
		regex: '^(\\.\\./)+store/postgres/',
		message: 'only a feature’s postgres/ folder knows PostgreSQL; use the repository interfaces'
	}
];
/** The server runs the domain as it is (tsx): it reaches it as #domain/…, never through the app's alias. */
const NO_APP_ALIAS = {
	group: ['$lib', '$lib/*', '$app/*'],
	message: 'the server imports the domain as #domain/…'
};

export default ts.config(
	{
		ignores: ['build/', 'dist/', '.svelte-kit/', 'node_modules/', 'data/', 'test-results/', 'bench/results/']
	},
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
							group: ['svelte', 'svelte/*', '$app/*', '$lib/*'],
							message:
								'domain code must not depend on the UI, and the server loads it as #domain/*: import siblings relatively'
						},
						{ group: ['yjs/dist/*', 'yjs/src/*'], message: 'use the public yjs entry point' }
					]
				}
			]
		}
	},
	{
		// The app reaches the domain one way: $lib/domain/… (the server's way is #domain/…).
		files: ['src/**/*.ts', 'src/**/*.svelte'],
		ignores: ['src/lib/domain/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [{ regex: '^(\\.\\.?/)+domain/', message: 'import the domain as $lib/domain/…' }] }
			]
		}
	},
	{
		// What the device keeps (IndexedDB, the outbox) knows the domain and Yjs, not the UI, the
		// network clients or SvelteKit: the service worker imports it too.
		files: ['src/lib/offline/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ regex: '^(\\.\\.?/)+domain/', message: 'import the domain as $lib/domain/…' },
						{
							group: [
								'$app/*',
								'$lib/state/*',
								'$lib/components/*',
								'$lib/api/*',
								'$lib/realtime/*',
								'$lib/map/*'
							],
							message: 'src/lib/offline imports only the domain and yjs'
						}
					]
				}
			]
		}
	},
	{
		// The field view's logic (photos, their queue, positions) has no UI: pages and components use it.
		files: ['src/lib/field/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ regex: '^(\\.\\.?/)+domain/', message: 'import the domain as $lib/domain/…' },
						{
							group: ['$app/*', '$lib/map', '$lib/map/*', '$lib/components/*', '*.svelte'],
							message: 'src/lib/field holds no UI; pages and components import it'
						}
					]
				}
			]
		}
	},
	{
		files: ['server/**/*.ts'],
		rules: { 'no-restricted-imports': ['error', { patterns: [NO_APP_ALIAS] }] }
	},
	{
		// The realtime core and the feature folders know neither HTTP nor a transport: the REST
		// routes (server/api/) and the composition root (server/compose/) import them, not the
		// other way round.
		files: [
			'server/rooms/**/*.ts',
			'server/store/**/*.ts',
			'server/guard/**/*.ts',
			'server/incidents/**/*.ts',
			'server/feeds/**/*.ts',
			'server/registers/**/*.ts',
			'server/attachments/**/*.ts',
			'server/positions/**/*.ts'
		],
		rules: {
			'no-restricted-imports': ['error', { patterns: [NO_APP_ALIAS, ...NO_HTTP, NO_TRANSPORT] }]
		}
	},
	{
		// Identity implements the transports' Authenticate contract (transport/authenticate.ts), so
		// it may name that type; like the operator commands, it knows no HTTP framework or REST route.
		files: ['server/identity/**/*.ts', 'server/cli/**/*.ts'],
		rules: { 'no-restricted-imports': ['error', { patterns: [NO_APP_ALIAS, ...NO_HTTP] }] }
	},
	{
		// The features with tables, outside their sqlite/ folders (these rules replace the ones above
		// for these files, so they repeat them).
		files: [
			'server/guard/**/*.ts',
			'server/incidents/**/*.ts',
			'server/registers/**/*.ts',
			'server/attachments/**/*.ts',
			'server/positions/**/*.ts'
		],
		ignores: [
			'server/registers/sqlite/**',
			'server/attachments/sqlite/**',
			'server/guard/sqlite/**',
			'server/incidents/sqlite/**',
			'server/registers/sqlite/**',
			'server/attachments/sqlite/**',
			'server/guard/postgres/**',
			'server/incidents/postgres/**',
			'server/registers/postgres/**',
			'server/attachments/postgres/**',
			'server/positions/sqlite/**',
			'server/positions/postgres/**'
		],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [NO_APP_ALIAS, ...NO_HTTP, NO_TRANSPORT, ...NO_SQLITE, ...NO_POSTGRES] }
			]
		}
	},
	{
		files: ['server/identity/**/*.ts'],
		ignores: ['server/identity/sqlite/**', 'server/identity/postgres/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [NO_APP_ALIAS, ...NO_HTTP, ...NO_SQLITE, ...NO_POSTGRES] }
			]
		}
	},
	{
		// The relay between nodes reaches the log through the DocStore interface, whatever the engine.
		files: ['server/cluster/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [NO_APP_ALIAS, ...NO_HTTP, NO_TRANSPORT, ...NO_SQLITE, ...NO_POSTGRES] }
			]
		}
	},
	{
		// A feature's postgres/ folder knows PostgreSQL, not SQLite.
		files: [
			'server/guard/postgres/**/*.ts',
			'server/incidents/postgres/**/*.ts',
			'server/registers/postgres/**/*.ts',
			'server/attachments/postgres/**/*.ts',
			'server/positions/postgres/**/*.ts'
		],
		rules: {
			'no-restricted-imports': ['error', { patterns: [NO_APP_ALIAS, ...NO_HTTP, NO_TRANSPORT, ...NO_SQLITE] }]
		}
	},
	{
		files: ['server/identity/postgres/**/*.ts'],
		rules: { 'no-restricted-imports': ['error', { patterns: [NO_APP_ALIAS, ...NO_HTTP, ...NO_SQLITE] }] }
	},
	{
		// Warnings and the duty roster: no HTTP or transport; SQLite only in their sqlite/ folders.
		files: ['server/warnings/**/*.ts', 'server/duty/**/*.ts'],
		rules: {
			'no-restricted-imports': ['error', { patterns: [NO_APP_ALIAS, ...NO_HTTP, NO_TRANSPORT] }]
		}
	},
	{
		files: ['server/warnings/**/*.ts', 'server/duty/**/*.ts'],
		ignores: [
			'server/warnings/sqlite/**',
			'server/duty/sqlite/**',
			'server/warnings/postgres/**',
			'server/duty/postgres/**'
		],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [NO_APP_ALIAS, ...NO_HTTP, NO_TRANSPORT, ...NO_SQLITE, ...NO_POSTGRES] }
			]
		}
	},
	{
		// Their postgres/ folders know PostgreSQL, not SQLite.
		files: ['server/warnings/postgres/**/*.ts', 'server/duty/postgres/**/*.ts'],
		rules: {
			'no-restricted-imports': ['error', { patterns: [NO_APP_ALIAS, ...NO_HTTP, NO_TRANSPORT, ...NO_SQLITE] }]
		}
	}
);
