import { openRoomOnStart } from '$lib/state/room-on-start';
import type { PageLoad } from './$types';

/**
 * When the room is the page being opened (a reload, a link from outside the app), its connection
 * opens before the page renders: the initial sync then downloads while the session, the page's
 * code and the map load. The browser hooks (src/hooks.client.ts) usually opened it already, before
 * this page's code (the map) had loaded; this call then finds it open. Not on client-side
 * navigation or a hover preload (`load` then runs before the address changes): a preload must
 * never join a room the user did not open, and in a running app the socket is already connected.
 */
export const load: PageLoad = ({ params, url }) => {
	if (typeof location === 'undefined' || location.pathname !== url.pathname) return;
	openRoomOnStart(params.id);
};
