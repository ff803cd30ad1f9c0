/**
 * The app's one way to call the REST API: same-origin JSON, the session cookie, and the CSRF
 * token on every state-changing call. Every failure becomes an ApiError carrying the server's
 * stable `error` code, so pages can switch on codes and translate them instead of showing raw text.
 */

export interface ApiIssue {
	path: Array<string | number>;
	message: string;
}

/** A refused or failed API call. `code` is the server's kebab-case error code. */
export class ApiError extends Error {
	override readonly name = 'ApiError';
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly issues: ApiIssue[] = []
	) {
		super(message);
	}
}

/** The network itself failed (offline, server down): no HTTP status at all. */
export const NETWORK_ERROR = 'network-error';

let csrfToken: string | null = null;

/** Set from the session payload after login or session load; cleared on logout. */
export function setCsrfToken(token: string | null): void {
	csrfToken = token;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function apiRequest<T>(method: Method, path: string, body?: unknown): Promise<T> {
	const headers: Record<string, string> = { accept: 'application/json' };
	if (body !== undefined) headers['content-type'] = 'application/json';
	if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
	let res: Response;
	try {
		res = await fetch(path, {
			method,
			headers,
			credentials: 'same-origin',
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	} catch (err) {
		throw new ApiError(0, NETWORK_ERROR, err instanceof Error ? err.message : String(err));
	}
	const text = await res.text();
	let json: unknown = null;
	if (text) {
		try {
			json = JSON.parse(text);
		} catch {
			// A proxy's HTML error page: keep the status, name the problem.
			throw new ApiError(res.status, 'not-json', `${method} ${path}: response is not JSON`);
		}
	}
	if (!res.ok) {
		const e = (json ?? {}) as { error?: unknown; message?: unknown; issues?: unknown };
		throw new ApiError(
			res.status,
			typeof e.error === 'string' ? e.error : `http-${res.status}`,
			typeof e.message === 'string' ? e.message : res.statusText,
			Array.isArray(e.issues) ? (e.issues as ApiIssue[]) : []
		);
	}
	return json as T;
}

export const api = {
	get: <T>(path: string) => apiRequest<T>('GET', path),
	post: <T>(path: string, body?: unknown) => apiRequest<T>('POST', path, body ?? {}),
	patch: <T>(path: string, body: unknown) => apiRequest<T>('PATCH', path, body),
	delete: <T>(path: string) => apiRequest<T>('DELETE', path)
};
