/**
 * Validation of REST input with zod, and the API's typed errors. A route calls
 * `parseBody(schema, req)` (or parseParams / parseQuery) and gets typed data, or the call
 * throws an ApiError that the API's error handler renders as
 * 400 `{ error: 'invalid-request', message, issues: [{ path: 'a.b', message }] }`.
 * Routes throw other ApiErrors (404, 409, …) the same way.
 */
import type { Request } from 'express';
import type { z } from 'zod';

export interface ApiIssue {
	/** Dotted path of the offending field ('' for the body itself). */
	path: string;
	message: string;
}

export interface ApiErrorBody {
	error: string;
	message: string;
	issues?: ApiIssue[];
}

/** An error with an HTTP status and a JSON body; rendered as is by the API's error handler. */
export class ApiError extends Error {
	override readonly name = 'ApiError';
	readonly expose = true;
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly issues?: ApiIssue[]
	) {
		super(message);
	}

	get body(): ApiErrorBody {
		return { error: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
	}
}

export function toIssues(error: z.ZodError): ApiIssue[] {
	return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
	const r = schema.safeParse(value);
	if (r.success) return r.data;
	const issues = toIssues(r.error);
	const first = issues[0];
	const where = first ? (first.path ? `${first.path}: ` : '') + first.message : 'invalid';
	throw new ApiError(400, 'invalid-request', `invalid ${what} (${where})`, issues);
}

/** The JSON body, validated. A missing or non-JSON body is validated as undefined. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
	return parse(schema, req.body, 'request body');
}

export function parseParams<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
	return parse(schema, req.params, 'path parameters');
}

export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
	return parse(schema, req.query, 'query');
}
