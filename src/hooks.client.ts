/**
 * Runs in the browser before any page's code.
 *
 * zod (the shared domain's schemas) compiles object parsers with `new Function` when it may, and
 * first probes whether it may: under the app's Content-Security-Policy (no 'unsafe-eval',
 * svelte.config.js) the probe is refused and the browser reports a violation, although zod copes.
 * Its interpreter is ample for what the browser parses; the server, under no such policy, keeps
 * the compiled parsers.
 *
 * When the app starts on an incident room (the desk's room page or the field view), the room's
 * connection is opened from here, beside the router: the room's own page runs only once its
 * code (on the desk, the map's chunks with it) has loaded, and the socket, the device's copy and
 * the join would all wait for that. The module is imported, not bundled in, so other pages do not
 * load the realtime code before they start.
 */
import { z } from 'zod';

z.config({ jitless: true });

/** The room page or the field view of one incident (room-on-start.ts reads the id). */
const ROOM_PAGE = /^\/(?:incidents|field)\/[^/]+\/?$/;

if (ROOM_PAGE.test(location.pathname)) {
	import('$lib/state/room-on-start')
		.then((m) => {
			const room = m.roomOfPath(location.pathname);
			if (room !== null) m.openRoomOnStart(room);
		})
		.catch((err: unknown) => console.warn('sitroom: the room could not be opened early', err));
}
