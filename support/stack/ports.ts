import net from 'node:net';

/**
 * A free TCP port on 127.0.0.1, chosen by the OS. The port is released before use, so another process could take it
 * in between; ports come from the OS's ephemeral range, where collisions between our own allocations cannot happen
 * before the kernel wraps around.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
