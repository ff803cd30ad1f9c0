/**
 * Where the incident index is stored: one row per incident document, mirroring its meta, and
 * the viewers each incident is shared with. Async, so that a database server can implement it;
 * sqlite/incident-repository.ts is the embedded one, and every implementation passes
 * tests/incidents/incident-repository-contract.ts. The server reaches it through IncidentIndex
 * (incident-index.ts), which keeps the membership its synchronous readers need.
 */
import type { IncidentFilter, IncidentSummary } from '#domain/api/incidents';
import type { IncidentMeta } from '#domain/incident-doc';

/** Which incidents to list: the REST filter, and for a viewer only those shared with them. */
export type IndexFilter = IncidentFilter & { viewerUserId?: string };

/** The meta fields the index mirrors; everything the index needs to insert a row. */
export type IndexedMeta = Omit<IncidentMeta, 'id'>;

/** Who opened an incident (null for the server itself). */
export interface OpenedBy {
	userId: string | null;
	orgId: string | null;
}

export interface ViewerGrantRow {
	userId: string;
	grantedBy: string | null;
	/** ISO 8601. */
	grantedAt: string;
}

export interface IncidentRepository {
	exists(id: string): Promise<boolean>;
	get(id: string): Promise<IncidentSummary | undefined>;
	count(): Promise<number>;
	/** The id of every incident, in no particular order. */
	ids(): Promise<string[]>;
	/** A new row (closedAt set when it is inserted closed), with its townships, in one transaction. */
	insert(id: string, meta: IndexedMeta, by: OpenedBy, now?: number): Promise<void>;
	/** Removes the row and its viewer grants. */
	remove(id: string): Promise<void>;
	/**
	 * Brings an existing row in line with the document's meta; whether anything changed. An
	 * unknown id changes nothing. closedAt is kept while the incident stays closed and cleared
	 * when it reopens.
	 */
	update(id: string, meta: IndexedMeta, now?: number): Promise<boolean>;
	/**
	 * Open incidents before closed ones, newest occurrence first, then by id; `limit` (default
	 * 200) and `offset` page the answer.
	 */
	list(filter?: IndexFilter): Promise<IncidentSummary[]>;
	/** Shares an incident with a user; a second grant keeps the first. */
	grantViewer(incidentId: string, userId: string, grantedBy: string | null, now?: number): Promise<void>;
	/** Returns whether a grant was removed. */
	revokeViewer(incidentId: string, userId: string): Promise<boolean>;
	isViewerOf(incidentId: string, userId: string): Promise<boolean>;
	/** The grants of an incident, oldest first. */
	viewersOf(incidentId: string): Promise<ViewerGrantRow[]>;
}
