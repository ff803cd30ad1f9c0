/**
 * Helpers for the incident tests: JSON REST calls as a logged-in demo user, a bare Socket.IO
 * join (to see the server's answer), and a valid request to open an incident.
 */
import { io as ioClient, type Socket } from 'socket.io-client';
import {
	PROTOCOL_VERSION,
	type Ack,
	type ClientToServerEvents,
	type ServerToClientEvents
} from '../../src/lib/domain/protocol.ts';
import { loginAt, type TestSession } from '../helpers/auth.ts';

export interface JsonResponse<T = Record<string, unknown>> {
	status: number;
	body: T;
}

export async function call<T = Record<string, unknown>>(
	baseUrl: string,
	session: TestSession | null,
	method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
	path: string,
	body?: unknown
): Promise<JsonResponse<T>> {
	const res = await fetch(`${baseUrl}${path}`, {
		method,
		headers: session ? session.headers : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: res.status, body: (await res.json()) as T };
}

export type BareSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Connects a Socket.IO client with the session cookie and asks to join `room`. */
export async function joinAs(
	baseUrl: string,
	cookie: string,
	room: string
): Promise<{ socket: BareSocket; ack: Ack }> {
	const socket: BareSocket = ioClient(baseUrl, {
		transports: ['websocket'],
		extraHeaders: { cookie },
		forceNew: true,
		reconnection: false
	});
	const ack = await new Promise<Ack>((resolve, reject) => {
		const t = setTimeout(() => reject(new Error('join timed out')), 10_000);
		socket.emit('join', room, { protocol: PROTOCOL_VERSION }, (a) => {
			clearTimeout(t);
			resolve(a);
		});
	});
	return { socket, ack };
}

export function validIncident(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		name: '羊木镇森林火灾',
		type: 'forest_fire',
		severity: 'general',
		level: 'IV',
		townships: ['510812102'],
		location: [105.7786, 32.5978],
		occurredAt: '2026-03-02T14:20:00+08:00',
		...overrides
	};
}

/**
 * A viewer account (a leader's screen) in organisation `orgId`, made through the admin API as an
 * administrator would; logged in.
 */
export async function createViewer(
	server: { url: string; login(username?: string): Promise<TestSession> },
	username: string,
	orgId: string,
	displayName = username
): Promise<TestSession> {
	const admin = await server.login('admin');
	const res = await call(server.url, admin, 'POST', '/api/users', {
		username,
		displayName,
		orgId,
		role: 'viewer',
		password: 'Ling-dao-2026-ok'
	});
	if (res.status !== 201)
		throw new Error(`creating viewer ${username}: ${res.status} ${JSON.stringify(res.body)}`);
	return loginAt(server.url, username, 'Ling-dao-2026-ok');
}
