/**
 * Where the bytes of attachments (photos) live, by key. A folder under DATA_DIR by default
 * (folder-files.ts); an object store (S3, MinIO) can implement the same interface later. What an
 * attachment is, who uploaded it and what it belongs to is in the AttachmentRepository; this
 * holds bytes only.
 */
export interface AttachmentFiles {
	/** Stores `bytes` under `key`, durably, before the promise settles. Replaces what was there. */
	put(key: string, bytes: Uint8Array): Promise<void>;
	/** The bytes under `key`, or null if there are none. */
	get(key: string): Promise<Uint8Array | null>;
	delete(key: string): Promise<void>;
}
