/**
 * AttachmentFiles in a folder (DATA_DIR/attachments by default): one file per key, in a
 * subfolder named by the key's last two characters so that no folder grows to a million
 * entries. A file is written under a temporary name, fsynced and renamed into place, so a
 * reader never sees half a photo and a crash leaves either the old file or the new one.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AttachmentFiles } from './attachment-files.ts';

/** Keys are ids the server checked (photo ids): letters, digits and dashes only. */
const KEY = /^[A-Za-z0-9-]{3,128}$/;

export class FolderAttachmentFiles implements AttachmentFiles {
	constructor(readonly dir: string) {}

	#path(key: string): string {
		if (!KEY.test(key)) throw new Error(`not an attachment key: ${JSON.stringify(key)}`);
		return path.join(this.dir, key.slice(-2), key);
	}

	async put(key: string, bytes: Uint8Array): Promise<void> {
		const file = this.#path(key);
		await fs.mkdir(path.dirname(file), { recursive: true });
		const tmp = `${file}.${randomUUID()}.tmp`;
		const handle = await fs.open(tmp, 'w');
		try {
			await handle.writeFile(bytes);
			await handle.sync();
		} finally {
			await handle.close();
		}
		try {
			await fs.rename(tmp, file);
		} catch (err) {
			await fs.rm(tmp, { force: true });
			throw err;
		}
	}

	async get(key: string): Promise<Uint8Array | null> {
		try {
			const buf = await fs.readFile(this.#path(key));
			return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
			throw err;
		}
	}

	async delete(key: string): Promise<void> {
		await fs.rm(this.#path(key), { force: true });
	}
}
