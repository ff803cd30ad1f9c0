import { openRoomEarly, dropEarlyRoom } from '$lib/realtime/room-connection.svelte';
import { appSocket } from '$lib/realtime/socket';
import { session } from '$lib/state/session.svelte';
import type { PageLoad } from './$types';
import { keptOnDevice } from '$lib/state/kept-on-device';

/**
 * When the room is the page being opened (a reload, a link from outside the app), its connection
 * opens here, before the page renders: the initial sync then downloads while the session, the
 * page's code and the map load. Not on client-side navigation or a hover preload (`load` then
 * runs before the address changes): a preload must never join a room the user did not open, and
 * in a running app the socket is already connected anyway.
 */
export const load: PageLoad = ({ params, url }) => {
	if (typeof location === 'undefined' || location.pathname !== url.pathname) return;
	openRoomEarly(params.id, appSocket(), keptOnDevice(params.id));
	session.load().then(
		(s) => {
			if (!s) dropEarlyRoom();
		},
		() => dropEarlyRoom()
	);
};
