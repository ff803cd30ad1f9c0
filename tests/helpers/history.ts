/**
 * A room's logged updates as one array, read through the store's paged `history`: for tests,
 * whose logs are small enough to hold whole (the server's readers go page by page).
 */
import type { DocStore, HistoryRange, StoredUpdate } from '../../server/store/doc-store.ts';

export async function historyOf(
	store: DocStore,
	room: string,
	range: HistoryRange = {}
): Promise<StoredUpdate[]> {
	const updates: StoredUpdate[] = [];
	for await (const u of store.history(room, range)) updates.push(u);
	return updates;
}
