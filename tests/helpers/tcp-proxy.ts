/**
 * A TCP proxy a test can cut and restore: the server under test reaches a real service (here
 * PostgreSQL) through it, and "stopping the database" cuts every connection and stops listening,
 * without touching the service that other tests and sessions share.
 */
import net from 'node:net';

export interface TcpProxy {
	port: number;
	/** Closes every connection through the proxy and stops accepting new ones. */
	cut(): Promise<void>;
	/** Accepts connections again, on the same port. */
	restore(): Promise<void>;
	close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
	const sockets = new Set<net.Socket>();
	const server = net.createServer((client) => {
		const upstream = net.connect(target.port, target.host);
		sockets.add(client);
		sockets.add(upstream);
		client.pipe(upstream).pipe(client);
		const end = (): void => {
			client.destroy();
			upstream.destroy();
			sockets.delete(client);
			sockets.delete(upstream);
		};
		client.on('error', end).on('close', end);
		upstream.on('error', end).on('close', end);
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as net.AddressInfo;
	const stop = async (): Promise<void> => {
		for (const s of sockets) s.destroy();
		sockets.clear();
		if (server.listening) await new Promise<void>((r) => server.close(() => r()));
	};
	return {
		port,
		cut: stop,
		restore: () => new Promise<void>((r) => server.listen(port, '127.0.0.1', r)),
		close: stop
	};
}
