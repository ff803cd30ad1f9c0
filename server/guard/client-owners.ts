/**
 * Which user writes under which Yjs client id, per incident, durably.
 *
 * Yjs orders each client id's changes by clock, and a client that reconnects sends what the
 * server lacks according to the server's state vector. Regression (security review): claims of
 * client ids ended when a connection left, so while a user was offline another member wrote under
 * that user's client id past its clock; when the user came back, its sync step 2 was computed
 * against the inflated vector, omitted its offline insert but carried its deletions, and was
 * acknowledged as saved: the old value deleted, the new one never arrived.
 *
 * So the first user to write under a client id in an incident owns it for good, and nobody else
 * may write under it. A client id that already has changes in the document but no binding was
 * written by the server itself (its own Y.Doc: seeding, REST-made changes) and is nobody's to
 * take.
 *
 * Synchronous, unlike the other relational stores, and on purpose: the binding must be durable
 * before the update that claims it is applied, and the guard binds inside checkUpdate, which is
 * synchronous by design (the change applier judges and applies each update in one step, so the
 * document cannot change between the judgement and the application; hooks.ts). The embedded
 * store (sqlite/client-owners.ts) writes on the same SQLite file as the update log, whose commit
 * and fsync the claiming update's own follow, so a binding is never lost while its update
 * survives. With PostgreSQL (a later issue), the node that owns the room will write the binding
 * in the same transaction as the log append that carries the claiming update, which is where
 * this seam moves then. Every implementation passes tests/guard/client-owner-store-contract.ts.
 */

export interface ClientOwnerStore {
	/** Every binding of a room: client id → user id. */
	ownersOf(room: string): Map<number, string>;
	/** Records that `userId` owns `clients` in `room`, now, before returning; an id bound before keeps its owner. */
	bind(room: string, clients: readonly number[], userId: string): void;
	close(): void;
}
