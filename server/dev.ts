/**
 * `npm run dev`: the realtime server (restarted on change by tsx watch) on an internal port,
 * and Vite's dev server with hot reload in front of it on PORT (default 3000), which proxies
 * /api, /socket.io and /yjs to it (see vite.config.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';

const publicPort = process.env.PORT ?? '3000';
const apiPort = process.env.SITROOM_API_PORT ?? '3001';

const children: ChildProcess[] = [
	spawn('npx', ['tsx', 'watch', '--clear-screen=false', 'server/start.ts'], {
		stdio: 'inherit',
		env: { ...process.env, PORT: apiPort, HOST: '127.0.0.1', SERVE_APP: '0' }
	}),
	spawn('npx', ['vite', 'dev', '--port', publicPort, '--strictPort'], {
		stdio: 'inherit',
		env: { ...process.env, SITROOM_API_PORT: apiPort }
	})
];

const stop = (): void => {
	for (const c of children) c.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) {
	c.on('exit', (code) => {
		stop();
		process.exitCode = code ?? 0;
	});
}
