/**
 * The server's own named secrets (the key that signs realtime tokens), kept in storage so that
 * every node and every restart share them. Async, so that a database server can implement it;
 * server/identity/sqlite/secrets.ts is the embedded one, and every implementation passes
 * tests/identity/secret-repository-contract.ts.
 */
export interface SecretRepository {
	/**
	 * The secret of this name: 32 random bytes, made on first use. Nodes asking at once all get
	 * the one that was stored first.
	 */
	secret(name: string): Promise<Buffer>;
}
