/**
 * A client process of the benchmark: hosts many standard y-websocket clients
 * (y-websocket@3 WebsocketProvider over `ws`) and does what run.ts asks over IPC. Clients live in
 * their own processes so that the server under test shares a process with none of them.
 *
 * Latency: each write stores its send time (ms since the epoch, sub-millisecond, from
 * performance.timeOrigin + performance.now(), comparable across processes on one machine) as
 * the value; each receiving client subtracts it from the time its map observer fires.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { addAnnotations, annotationCount } from './annotations.ts';
import type {
	ClientSpec,
	ReplyEnvelope,
	RequestEnvelope,
	WorkerReply,
	WorkerRequest
} from './worker-protocol.ts';

const BENCH_MAP = 'bench';

// Every WebsocketProvider adds a process 'exit' listener; hundreds per process are expected here.
process.setMaxListeners(0);

interface Client {
	spec: ClientSpec;
	doc: Y.Doc;
	provider: WebsocketProvider;
	closing: boolean;
}

const clients: Client[] = [];
let measuring = false;
let received = 0;
let latencies = new Float64Array(1 << 16);
let unexpectedCloses = 0;

function now(): number {
	return performance.timeOrigin + performance.now();
}

function recordLatency(ms: number): void {
	if (received === latencies.length) {
		const grown = new Float64Array(latencies.length * 2);
		grown.set(latencies);
		latencies = grown;
	}
	latencies[received++] = ms;
}

function openClient(spec: ClientSpec): Client {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(spec.providerUrl, spec.room, doc, {
		// Node 20 has no global WebSocket.
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		params: spec.params,
		connect: false
	});
	// Presence off unless asked: its 15 s renewals would land in some measurement windows and not
	// others, and the figures are about document updates.
	if (process.env.BENCH_PRESENCE !== '1') provider.awareness.setLocalState(null);
	const client: Client = { spec, doc, provider, closing: false };
	provider.on('connection-close', () => {
		if (!client.closing) unexpectedCloses++;
	});
	if (!spec.writer) {
		doc.getMap<number>(BENCH_MAP).observe((event) => {
			if (event.transaction.local || !measuring) return;
			const at = now();
			for (const key of event.keysChanged) {
				const sentAt = event.target.get(key);
				if (typeof sentAt === 'number') recordLatency(at - sentAt);
			}
		});
	}
	provider.connect();
	return client;
}

function whenSynced(provider: WebsocketProvider, timeoutMs: number): Promise<void> {
	if (provider.synced) return Promise.resolve();
	return new Promise((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`sync timed out after ${timeoutMs} ms (${provider.url})`)),
			timeoutMs
		);
		provider.once('sync', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

function closeClient(c: Client): void {
	c.closing = true;
	c.provider.destroy();
	c.doc.destroy();
}

async function connect(specs: ClientSpec[], batchSize: number): Promise<WorkerReply> {
	const t0 = performance.now();
	// In batches: hundreds of simultaneous handshakes would only measure the accept queue.
	for (let i = 0; i < specs.length; i += batchSize) {
		const batch = specs.slice(i, i + batchSize).map(openClient);
		clients.push(...batch);
		await Promise.all(batch.map((c) => whenSynced(c.provider, 30_000)));
	}
	return { type: 'connected', clients: specs.length, ms: performance.now() - t0 };
}

async function writeAll(count: number, perSecond: number): Promise<WorkerReply> {
	const writers = clients.filter((c) => c.spec.writer);
	const period = 1000 / perSecond;
	const t0 = performance.now();
	await Promise.all(
		writers.map(async (w) => {
			const map = w.doc.getMap<number>(BENCH_MAP);
			// Writers of different rooms start at random phases, as real users would.
			const start = performance.now() + Math.random() * period;
			for (let i = 0; i < count; i++) {
				const due = start + i * period;
				const wait = due - performance.now();
				if (wait > 0) await new Promise((r) => setTimeout(r, wait));
				map.set(`${w.spec.key}:${i}`, now());
			}
		})
	);
	return { type: 'written', writes: writers.length * count, ms: performance.now() - t0 };
}

type Endpoint = Omit<ClientSpec, 'writer' | 'key'>;

async function seed(endpoint: Endpoint, entries: number): Promise<WorkerReply> {
	const t0 = performance.now();
	const client = openClient({ ...endpoint, key: 'seed', writer: false });
	clients.push(client);
	await whenSynced(client.provider, 30_000);
	addAnnotations(client.doc, entries);
	return {
		type: 'seeded',
		entries: annotationCount(client.doc),
		encodedBytes: Y.encodeStateAsUpdate(client.doc).byteLength,
		ms: performance.now() - t0
	};
}

async function load(endpoint: Endpoint, expect: number, timeoutMs: number): Promise<WorkerReply> {
	const t0 = performance.now();
	const client = openClient({ ...endpoint, key: 'load', writer: false });
	try {
		await whenSynced(client.provider, timeoutMs);
		// A server answers sync with everything it has in one message; if it had less, wait so the
		// count is checked, but the time reported is still up to the last entry arriving.
		while (annotationCount(client.doc) < expect) {
			if (performance.now() - t0 > timeoutMs) break;
			await new Promise((r) => setTimeout(r, 5));
		}
		return { type: 'loaded', entries: annotationCount(client.doc), ms: performance.now() - t0 };
	} finally {
		closeClient(client);
	}
}

async function handle(req: WorkerRequest): Promise<WorkerReply> {
	switch (req.type) {
		case 'connect':
			return connect(req.clients, req.batchSize);
		case 'measure-start':
			received = 0;
			unexpectedCloses = 0;
			measuring = true;
			return { type: 'ok' };
		case 'write':
			return writeAll(req.count, req.perSecond);
		case 'progress':
			return { type: 'progress', received };
		case 'collect':
			measuring = false;
			return { type: 'collected', received, latencies: latencies.slice(0, received), unexpectedCloses };
		case 'disconnect':
			for (const c of clients.splice(0)) closeClient(c);
			return { type: 'ok' };
		case 'seed':
			return seed(req.client, req.entries);
		case 'load':
			return load(req.client, req.expectEntries, req.timeoutMs);
		default:
			return exhaustive(req);
	}
}

function exhaustive(x: never): never {
	throw new Error(`unknown request ${JSON.stringify(x)}`);
}

function reply(envelope: ReplyEnvelope): void {
	process.send?.(envelope);
}

process.on('message', (message: RequestEnvelope) => {
	handle(message.request).then(
		(r) => reply({ id: message.id, reply: r }),
		(err: unknown) => reply({ id: message.id, error: err instanceof Error ? err.message : String(err) })
	);
});

// The benchmark owns this process: when it goes away (even killed), so do its clients.
process.on('disconnect', () => process.exit(0));
