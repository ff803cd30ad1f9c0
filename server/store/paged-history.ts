/**
 * The paging every DocStore's `history` shares: it checks the range once, then asks the store for
 * one page at a time (the entries after the last sequence number read), so no more than a page of
 * the log is ever held. A store supplies only how to read one page.
 */
import {
	DEFAULT_HISTORY_PAGE_SIZE,
	InvalidHistoryRangeError,
	type HistoryRange,
	type StoredUpdate
} from './doc-store.ts';

/** Up to `limit` entries of `room` with after < seq <= upTo, in sequence order. */
export type ReadHistoryPage = (
	room: string,
	after: number,
	upTo: number,
	limit: number
) => StoredUpdate[] | Promise<StoredUpdate[]>;

export function pagedHistory(
	room: string,
	range: HistoryRange,
	readPage: ReadHistoryPage
): AsyncIterable<StoredUpdate> {
	const pageSize = range.pageSize ?? DEFAULT_HISTORY_PAGE_SIZE;
	if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
		throw new InvalidHistoryRangeError(`a history page holds at least one entry (pageSize ${pageSize})`);
	}
	const upTo = range.toSeq ?? Number.MAX_SAFE_INTEGER;
	const start = Math.max(0, (range.fromSeq ?? 1) - 1);
	return {
		async *[Symbol.asyncIterator]() {
			let after = start;
			while (after < upTo) {
				const page = await readPage(room, after, upTo, pageSize);
				yield* page;
				if (page.length < pageSize) return;
				after = page[page.length - 1]!.seq;
			}
		}
	};
}
