/**
 * Opens the room whose page the app starts on, as early as the app can: its socket, the device's
 * copy and the join then run while the page's code (the map's chunks) loads and the session is
 * checked. Called from the browser hooks (src/hooks.client.ts) as the app starts, and again by
 * the room's `load` (a no-op then, as `openRoomEarly` opens a room once). If the server says
 * nobody is signed in, the connection is dropped (the layout sends to the login page).
 */
import { dropEarlyRoom, openRoomEarly } from '$lib/realtime/room-connection.svelte';
import { appSocket } from '$lib/realtime/socket';
import { keptOnDevice } from '$lib/state/kept-on-device';
import { session } from '$lib/state/session.svelte';

/**
 * The room page's address, /incidents/<id>, and the field view's, /field/<id>; nothing under
 * them (the audit page).
 */
const ROOM_PAGE = /^\/(?:incidents|field)\/([^/]+)\/?$/;

/** The room the address names when it is a room's page, or null. */
export function roomOfPath(pathname: string): string | null {
	const m = ROOM_PAGE.exec(pathname);
	if (!m) return null;
	try {
		return decodeURIComponent(m[1]!);
	} catch {
		return null;
	}
}

export function openRoomOnStart(room: string): void {
	openRoomEarly(room, appSocket(), keptOnDevice(room));
	session.load().then(
		(s) => {
			if (!s) dropEarlyRoom();
		},
		() => dropEarlyRoom()
	);
}
