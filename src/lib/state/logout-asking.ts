/**
 * Logging out on a shared phone: when anything of this person waits on the device (changes,
 * photos, position fixes; waiting-registry.ts), the next person must not sign it out unawares, so
 * the page asks first and names what waits. Nothing is deleted either way: it stays on the device,
 * kept apart per user, and uploads when this person signs in again with a network.
 */
import { get } from 'svelte/store';
import { t } from '$lib/i18n';
import { waitingOf } from '$lib/offline/waiting-registry';
import { waitingWords } from '$lib/offline/waiting-words';
import { session } from './session.svelte.ts';

/** Logs out after asking when something waits; false when the person chose to stay. */
export async function logoutAsking(): Promise<boolean> {
	const user = session.user;
	if (user) {
		const waiting = await waitingOf(user.id);
		if (waiting.total > 0) {
			const tr = get(t);
			if (!confirm(tr('offline.logout.confirm', { what: waitingWords(waiting, tr) }))) return false;
		}
	}
	await session.logout();
	return true;
}
