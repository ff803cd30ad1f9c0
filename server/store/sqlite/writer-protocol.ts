/**
 * Messages between ThreadedSqliteDocStore (main thread) and its writer thread. A group's bytes
 * (every update and snapshot in it) travel packed in one ArrayBuffer that is transferred, not
 * cloned; entries point into it by offset and length.
 */
import type { UpdateOrigin } from '../doc-store.ts';

export interface WriterData {
	file: string;
	synchronous: 'full' | 'normal';
}

export interface PackedEntry extends UpdateOrigin {
	room: string;
	at: number;
	offset: number;
	length: number;
}

export interface PackedSnapshot {
	room: string;
	seq: number;
	at: number;
	offset: number;
	length: number;
	/** Where the state vector is in the group's buffer; null when the snapshot has none. */
	stateVector: { offset: number; length: number } | null;
}

export type ToWriter =
	| { type: 'commit'; id: number; entries: PackedEntry[]; snapshots: PackedSnapshot[]; data: ArrayBuffer }
	| { type: 'close' };

export type FromWriter =
	| { type: 'committed'; id: number; seqs: number[] }
	| { type: 'failed'; id: number; name: string; message: string; code: string | undefined }
	| { type: 'closed' };
