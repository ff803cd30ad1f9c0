/**
 * The Express application: health probes, the REST API under /api, and the built SvelteKit
 * app. Owns HTTP concerns only (request ids, body limits, JSON errors); no room logic.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApiError } from '#domain/api/errors';
import type { Logger } from '../log.ts';
import { nextConnectionId } from './connection-id.ts';
import { extendPagePolicy, type PolicySources } from './page-policy.ts';
import { securityHeaders } from './security-headers.ts';
import { serviceWorkerHeaders } from './service-worker-policy.ts';
import type { TrustProxy } from './trust-proxy.ts';

export interface HttpAppOptions {
	log: Logger;
	/** Is the store open and are rooms loadable? */
	isReady: () => boolean;
	/** API routers mounted under /api, in order. */
	api: Router[];
	/** Directory of the adapter-node build, or null not to serve the app. */
	appBuildDir: string | null;
	/** Largest JSON body accepted by the API. */
	maxBodyBytes: number;
	/** Proxies whose X-Forwarded-For sets req.ip (TRUST_PROXY); false: the socket's address. */
	trustProxy: TrustProxy;
	/** Sources the app's pages need beyond their built-in policy (the map layers' tile servers). */
	pageSources: PolicySources;
}

export async function createHttpApp(opts: HttpAppOptions): Promise<express.Express> {
	const app = express();
	app.disable('x-powered-by');
	app.set('trust proxy', opts.trustProxy);
	app.use(securityHeaders());

	app.use((req, res, next) => {
		const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || nextConnectionId('req');
		res.setHeader('x-request-id', id);
		res.locals.log = opts.log.child({ req: id });
		const t0 = performance.now();
		res.on('finish', () => {
			if (req.path === '/healthz' || req.path === '/readyz') return;
			(res.locals.log as Logger).info(
				{
					method: req.method,
					path: req.path,
					status: res.statusCode,
					ms: Math.round(performance.now() - t0)
				},
				'http'
			);
		});
		next();
	});

	app.get('/healthz', (_req, res) => {
		res.json({ ok: true });
	});
	app.get('/readyz', (_req, res) => {
		const ready = opts.isReady();
		res.status(ready ? 200 : 503).json({ ok: ready });
	});

	const api = express.Router();
	api.use(express.json({ limit: opts.maxBodyBytes }));
	for (const r of opts.api) api.use(r);
	api.use((req, res) => {
		res.status(404).json({ error: 'not-found', message: `no API route ${req.method} ${req.path}` });
	});
	api.use(apiErrorHandler);
	app.use('/api', api);

	if (opts.appBuildDir) {
		const handlerFile = path.join(opts.appBuildDir, 'handler.js');
		if (fs.existsSync(handlerFile)) {
			const mod = (await import(pathToFileURL(handlerFile).href)) as { handler: express.RequestHandler };
			app.use(extendPagePolicy(opts.pageSources), serviceWorkerHeaders(opts.pageSources), mod.handler);
		} else {
			opts.log.warn({ handlerFile }, 'no app build found; serving the API only (run `npm run build`)');
		}
	}
	return app;
}

/** Errors become JSON with a stable `error` code; bodies over the limit are 413. */
function apiErrorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
	const e = err as { type?: string; status?: number; message?: string; expose?: boolean };
	if (e.type === 'entity.too.large') {
		res.status(413).json({ error: 'payload-too-large', message: 'request body exceeds the limit' });
		return;
	}
	if (e.type === 'entity.parse.failed') {
		res.status(400).json({ error: 'malformed-json', message: 'request body is not valid JSON' });
		return;
	}
	// The routes' named refusals (src/lib/domain/api/errors.ts) carry their own JSON body.
	if (err instanceof ApiError && err.status >= 400 && err.status < 600) {
		res.status(err.status).json(err.body);
		return;
	}
	if (e.status && e.status >= 400 && e.status < 500) {
		res.status(e.status).json({ error: 'bad-request', message: e.expose ? e.message : 'bad request' });
		return;
	}
	(res.locals.log as Logger | undefined)?.error({ err }, 'unhandled API error');
	res.status(500).json({ error: 'internal', message: 'internal server error' });
}
