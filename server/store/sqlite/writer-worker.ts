/**
 * The document log's writer thread: the only writer of doc_updates and doc_snapshots while a
 * ThreadedSqliteDocStore is open. It commits each group it is sent in one transaction, so the
 * fsync blocks this thread and not the main thread's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openConnection } from './database.ts';
import { DocLogWriter } from './doc-log.ts';
import type { FromWriter, ToWriter, WriterData } from './writer-protocol.ts';

const port = parentPort;
if (!port) throw new Error('writer-worker.ts runs only as a worker thread');

const { file, synchronous } = workerData as WriterData;
const db = openConnection(file, synchronous);
// Another connection (the main thread's) writes other tables to the same file: BEGIN IMMEDIATE.
const writer = new DocLogWriter(db, true);

const reply = (msg: FromWriter): void => port.postMessage(msg);

port.on('message', (msg: ToWriter) => {
	if (msg.type === 'close') {
		db.close();
		reply({ type: 'closed' });
		port.close();
		return;
	}
	const { id, data } = msg;
	try {
		const seqs = writer.commit(
			msg.entries.map((e) => ({
				room: e.room,
				at: e.at,
				userId: e.userId,
				orgId: e.orgId,
				connectionId: e.connectionId,
				update: new Uint8Array(data, e.offset, e.length)
			})),
			msg.snapshots.map((s) => ({
				room: s.room,
				seq: s.seq,
				at: s.at,
				state: new Uint8Array(data, s.offset, s.length),
				stateVector: s.stateVector ? new Uint8Array(data, s.stateVector.offset, s.stateVector.length) : null
			}))
		);
		reply({ type: 'committed', id, seqs });
	} catch (err) {
		const e = err instanceof Error ? err : new Error(String(err));
		const code = (e as Error & { code?: unknown }).code;
		reply({
			type: 'failed',
			id,
			name: e.name,
			message: e.message,
			code: typeof code === 'string' ? code : undefined
		});
	}
});
