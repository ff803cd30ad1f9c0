import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loginAt } from '../helpers/auth.ts';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs a TypeScript entry point of the server as `npm` would, with `input` on stdin. */
function run(script: string, args: string[], env: Record<string, string>, input = ''): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
			cwd: repoRoot,
			env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SERVE_APP: '0', LOG_LEVEL: 'warn', ...env },
			stdio: ['pipe', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
		child.on('error', reject);
		child.on('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
		child.stdin.end(input);
	});
}

describe('demo and production modes', () => {
	let server: TestServer | undefined;
	const dirs: string[] = [];
	afterEach(async () => {
		await server?.dispose();
		server = undefined;
		for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
	});

	it('refuses to start in production mode with the default demo password', async () => {
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		const r = await run('server/start.ts', [], {
			DATA_DIR: dataDir,
			SITROOM_DEMO: '0',
			SITROOM_DEMO_PASSWORD: 'sitroom-demo'
		});
		expect(r.code).toBe(1);
		expect(r.stderr).toMatch(/production mode .* refuses SITROOM_DEMO_PASSWORD/);
		expect(fs.existsSync(path.join(dataDir, 'sitroom.db'))).toBe(false);
	});

	it('uses SITROOM_DEMO_PASSWORD for the demo accounts', async () => {
		server = await startTestServer({ SITROOM_DEMO: '1', SITROOM_DEMO_PASSWORD: 'another-demo-pw' });
		await expect(loginAt(server.url, 'commander')).rejects.toThrow(/401/);
		await loginAt(server.url, 'commander', 'another-demo-pw');
	});

	it('creates no accounts in production; create-admin makes the first admin once; demo leftovers are deactivated', async () => {
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		// An earlier demo run on this data directory left demo accounts behind.
		server = await startTestServer({}, { dataDir, keepData: true });
		await server.dispose();

		server = await startTestServer({ SITROOM_DEMO: '0' }, { dataDir, keepData: true });
		await expect(loginAt(server.url, 'admin')).rejects.toThrow(/401/);
		await expect(loginAt(server.url, 'commander')).rejects.toThrow(/401/);
		await server.dispose();
		server = undefined;

		const env = { DATA_DIR: dataDir, SITROOM_DEMO: '0' };
		const short = await run('server/cli/create-admin.ts', ['--username', 'root'], env, 'short\n');
		expect(short.code).toBe(1);
		expect(short.stderr).toMatch(/password: at least 10 characters/);
		const made = await run(
			'server/cli/create-admin.ts',
			['--username', 'root', '--display-name', '管理员'],
			env,
			'correct horse battery\n'
		);
		expect(made.stderr).toBe('');
		expect(made.code).toBe(0);
		expect(made.stdout).toMatch(/created administrator "root"/);
		const again = await run('server/cli/create-admin.ts', ['--username', 'root2'], {
			...env,
			SITROOM_ADMIN_PASSWORD: 'another-long-pw'
		});
		expect(again.code).toBe(1);
		expect(again.stderr).toMatch(/an administrator exists already/);

		server = await startTestServer({ SITROOM_DEMO: '0' }, { dataDir, keepData: true });
		const root = await loginAt(server.url, 'root', 'correct horse battery');
		const me = (await (
			await fetch(`${server.url}/api/session`, { headers: { cookie: root.cookie } })
		).json()) as {
			user: { role: string; orgId: string; displayName: string };
		};
		expect(me.user).toMatchObject({ role: 'admin', orgId: 'command-centre', displayName: '管理员' });
		const { users } = (await (await fetch(`${server.url}/api/users`, { headers: root.headers })).json()) as {
			users: Array<{ username: string; active: boolean; demo: boolean }>;
		};
		expect(users.filter((u) => u.demo).every((u) => !u.active)).toBe(true);
		expect(users.filter((u) => u.active).map((u) => u.username)).toEqual(['root']);
	});

	it('creates no demo accounts on a production store that starts empty', async () => {
		server = await startTestServer({ SITROOM_DEMO: '0' });
		expect(await server.identity.users.count()).toBe(0);
		expect(server.identity.orgs.size).toBe(15 + 12 * 2 + 139);
	});
});
