/**
 * A register row as both databases store it: the same columns, differing only in how a flag
 * (SQLite: 0/1; PostgreSQL: boolean) and the free fields (SQLite: JSON text; PostgreSQL: jsonb)
 * are kept. One mapping each way, so a new column is added in one place.
 */
import type { RegisterName } from '#domain/registers';
import type { StoredRegisterRow } from './repository.ts';

export interface RegisterRowRecord<Flag, Json> {
	register: string;
	id: string;
	code: string;
	name: string;
	township: string | null;
	owner_org_id: string | null;
	lon: number | null;
	lat: number | null;
	demo: Flag;
	data: Json;
	status: string | null;
	status_detail: string | null;
	status_at: string | null;
	due_at: string | null;
	version: number;
	created_at: number;
	updated_at: number;
}

/** The columns in table order, for SELECT lists and INSERTs. */
export const REGISTER_ROW_COLUMNS =
	'register, id, code, name, township, owner_org_id, lon, lat, demo, data, status, status_detail, status_at, due_at, version, created_at, updated_at';

/** How a database keeps the flag and the free fields. */
export interface RegisterRowCodec<Flag, Json> {
	flag(stored: Flag): boolean;
	storeFlag(flag: boolean): Flag;
	data(stored: Json): Record<string, unknown>;
	storeData(data: Record<string, unknown>): Json;
}

export function registerRowOf<Flag, Json>(
	r: RegisterRowRecord<Flag, Json>,
	codec: RegisterRowCodec<Flag, Json>
): StoredRegisterRow {
	return {
		register: r.register as RegisterName,
		id: r.id,
		code: r.code,
		name: r.name,
		township: r.township,
		ownerOrgId: r.owner_org_id,
		lon: r.lon,
		lat: r.lat,
		demo: codec.flag(r.demo),
		data: codec.data(r.data),
		status: r.status,
		statusDetail: r.status_detail,
		statusAt: r.status_at,
		dueAt: r.due_at,
		version: r.version,
		createdAt: r.created_at,
		updatedAt: r.updated_at
	};
}

export function registerRecordOf<Flag, Json>(
	row: StoredRegisterRow,
	codec: RegisterRowCodec<Flag, Json>
): RegisterRowRecord<Flag, Json> {
	return {
		register: row.register,
		id: row.id,
		code: row.code,
		name: row.name,
		township: row.township,
		owner_org_id: row.ownerOrgId,
		lon: row.lon,
		lat: row.lat,
		demo: codec.storeFlag(row.demo),
		data: codec.storeData(row.data),
		status: row.status,
		status_detail: row.statusDetail,
		status_at: row.statusAt,
		due_at: row.dueAt,
		version: row.version,
		created_at: row.createdAt,
		updated_at: row.updatedAt
	};
}
