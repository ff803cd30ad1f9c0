/**
 * `npm run create-admin -- --username NAME [--display-name 名字] [--org ORG_ID]`: creates the
 * first administrator of a production installation (SITROOM_DEMO=0 creates no accounts). The
 * password comes from SITROOM_ADMIN_PASSWORD or standard input (first line; hidden when typed
 * at a terminal). Refuses when an active administrator exists: later ones are made in the app.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NewPasswordSchema, UsernameSchema } from '#domain/credentials';
import { ConfigError, loadConfig } from '../config.ts';
import { silentLogger } from '../log.ts';
import { Identity } from '../identity/identity.ts';
import { pgIdentityRepositories } from '../identity/postgres/repositories.ts';
import { identityPgMigrations } from '../identity/postgres/schema.ts';
import type { IdentityRepositories } from '../identity/repositories.ts';
import { sqliteIdentityRepositories } from '../identity/sqlite/repositories.ts';
import { identityMigrations } from '../identity/sqlite/schema.ts';
import { openPgPool } from '../store/postgres/database.ts';
import { openDatabase } from '../store/sqlite/database.ts';
import { docLogMigrations } from '../store/sqlite/doc-log.ts';

class UsageError extends Error {
	override readonly name = 'UsageError';
}

const CTRL_C = String.fromCharCode(3);
/** Enter (either line ending), Ctrl-C or Ctrl-D: raw terminal mode delivers them as characters. */
const ENDS_INPUT = ['\r', '\n', CTRL_C, String.fromCharCode(4)];

async function readPassword(): Promise<string> {
	const fromEnv = process.env.SITROOM_ADMIN_PASSWORD;
	if (fromEnv) return fromEnv;
	const stdin = process.stdin;
	if (stdin.isTTY) {
		process.stderr.write('password for the new administrator: ');
		stdin.setRawMode(true);
	}
	stdin.setEncoding('utf8');
	let text = '';
	for await (const chunk of stdin) {
		text += chunk as string;
		if (ENDS_INPUT.some((c) => text.includes(c))) break;
	}
	if (stdin.isTTY) {
		stdin.setRawMode(false);
		process.stderr.write('\n');
	}
	stdin.pause();
	if (text.includes(CTRL_C)) throw new UsageError('cancelled');
	const end = Math.min(...ENDS_INPUT.map((c) => (text.includes(c) ? text.indexOf(c) : text.length)));
	return text.slice(0, end);
}

async function main(): Promise<number> {
	const { values } = parseArgs({
		options: { username: { type: 'string' }, 'display-name': { type: 'string' }, org: { type: 'string' } },
		strict: true
	});
	const username = UsernameSchema.safeParse(values.username ?? '');
	if (!username.success)
		throw new UsageError(`--username: ${username.error.issues[0]?.message ?? 'required'}`);

	const config = loadConfig();
	if (config.store !== 'sqlite' && !config.database)
		throw new UsageError('SITROOM_STORE=memory keeps no accounts; nothing to create');
	const { repositories, close } = await openIdentityRepositories(config);
	let identity: Identity;
	try {
		identity = await Identity.open({
			repositories,
			config: config.identity,
			jurisdictionDir: config.jurisdictionDir,
			log: silentLogger(),
			rooms: { leave: () => undefined, isPresent: () => false }
		});
	} catch (err) {
		await close();
		throw err;
	}
	try {
		if ((await identity.users.countActiveAdmins()) > 0) {
			throw new UsageError('an administrator exists already; create further accounts in the app (用户管理)');
		}
		const orgId = values.org ?? identity.seed.organisations.find((o) => o.kind === 'command_centre')?.id;
		if (!orgId || !identity.orgs.canHoldUsers(orgId))
			throw new UsageError(`--org: no organisation "${orgId ?? ''}"`);
		const password = NewPasswordSchema.safeParse(await readPassword());
		if (!password.success)
			throw new UsageError(`password: ${password.error.issues[0]?.message ?? 'invalid'}`);
		const user = await identity.createUser({
			username: username.data,
			displayName: values['display-name'] ?? username.data,
			orgId,
			role: 'admin',
			password: password.data
		});
		console.log(`created administrator "${user.username}" in ${identity.orgs.get(orgId)?.name ?? orgId}`);
		return 0;
	} finally {
		identity.stop();
		await close();
	}
}

/** Identity's repositories where the server keeps them: PostgreSQL with DATABASE_URL, else the SQLite file. */
async function openIdentityRepositories(
	config: ReturnType<typeof loadConfig>
): Promise<{ repositories: IdentityRepositories; close(): Promise<void> }> {
	if (config.database) {
		const pool = await openPgPool({
			url: config.database.url,
			...(config.database.schema ? { schema: config.database.schema } : {}),
			migrations: identityPgMigrations,
			max: 2
		});
		return { repositories: pgIdentityRepositories(pool), close: () => pool.end() };
	}
	const db = openDatabase({
		file: path.join(config.dataDir, 'sitroom.db'),
		synchronous: config.sqliteSynchronous,
		migrations: [...docLogMigrations, ...identityMigrations]
	});
	return { repositories: sqliteIdentityRepositories(db), close: async () => void db.close() };
}

main().then(
	(code) => process.exit(code),
	(err: unknown) => {
		if (err instanceof UsageError || err instanceof ConfigError)
			console.error(`create-admin: ${err.message}`);
		else console.error(err);
		process.exit(1);
	}
);
