/**
 * The room as this device keeps it for the person signed in (the document as last seen and the
 * changes waiting): opened once the session, or the identity remembered offline, is known.
 */
import { LocalRoom } from '$lib/offline/local-room.svelte';
import type { LocalCopy } from '$lib/realtime/room-connection.svelte';
import { session } from '$lib/state/session.svelte';

export function keptOnDevice(room: string): () => Promise<LocalCopy | null> {
	return () => session.load().then((s) => (s ? LocalRoom.open(s.user.id, room) : null));
}
