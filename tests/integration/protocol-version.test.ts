/**
 * The app says its protocol version when it joins a room, and the server refuses one it does not
 * speak with a named reason the UI explains (a phone that was offline for days comes back with an
 * old bundle; an app updated before its server meets an old one).
 */
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type Ack } from '../../src/lib/domain/protocol.ts';
import { translate } from '../../src/lib/i18n/index.ts';
import { closeReasonKey } from '../../src/lib/i18n/labels.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const ROOM = 'inc-demo-jialing';

describe('protocol version at join', () => {
	let server: TestServer;
	let cookie: string;
	beforeAll(async () => {
		server = await startTestServer();
		cookie = (await server.login('commander')).cookie;
	});
	afterAll(async () => {
		await server?.dispose();
	});

	/** Joins with whatever arguments a client of some version sends, and returns the answer. */
	async function join(...args: unknown[]): Promise<Ack> {
		const socket = ioClient(server.url, {
			transports: ['websocket'],
			extraHeaders: { cookie },
			forceNew: true,
			reconnection: false
		});
		try {
			return await new Promise<Ack>((resolve, reject) => {
				const t = setTimeout(() => reject(new Error('no answer')), 5_000);
				socket.emit('join', ...args, (a: Ack) => {
					clearTimeout(t);
					resolve(a);
				});
			});
		} finally {
			socket.disconnect();
		}
	}

	it('serves a client of its own protocol', async () => {
		expect(await join(ROOM, { protocol: PROTOCOL_VERSION })).toEqual({ ok: true });
	});

	it('refuses a client of protocol 1, which joined without saying its version, as too old', async () => {
		const ack = await join(ROOM);
		expect(ack).toMatchObject({ ok: false, code: 4426, reason: 'client-too-old' });
		// What the page shows.
		expect(translate(closeReasonKey('client-too-old'))).toBe('应用版本过旧，请刷新页面以更新应用');
	});

	it('refuses a client newer than the server, saying the server is too old', async () => {
		expect(await join(ROOM, { protocol: PROTOCOL_VERSION + 1 })).toMatchObject({
			ok: false,
			code: 4427,
			reason: 'server-too-old'
		});
	});

	it('refuses a hello that is not a version', async () => {
		expect(await join(ROOM, { protocol: '2' })).toMatchObject({ ok: false, reason: 'client-too-old' });
	});
});
