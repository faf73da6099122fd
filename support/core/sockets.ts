import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** One socket of the kernel's TCP tables: its local port and its state (hex, as /proc writes it: 0A LISTEN, 08 CLOSE_WAIT). */
interface TcpSocket {
  port: number;
  state: string;
}

/** Every TCP socket of /proc/net/tcp and tcp6, by inode. */
function tcpSockets(): Map<string, TcpSocket> {
  const sockets = new Map<string, TcpSocket>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // f[1] local address:port, f[3] state, f[9] inode
      if (f.length > 9) sockets.set(f[9], { port: Number.parseInt(f[1].slice(f[1].lastIndexOf(':') + 1), 16), state: f[3] });
    }
  }
  return sockets;
}

/** The inodes of TCP sockets listening on `port` (any local address). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const [inode, s] of tcpSockets()) if (s.state === '0A' && s.port === port) inodes.add(inode);
  return inodes;
}

/** The inodes of the sockets `pid` has open ([] when it is gone). */
function socketInodes(pid: number): string[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const inodes: string[] = [];
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.push(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  return inodes;
}

/** The inodes of the Unix sockets of /proc/net/unix (a child's standard output to its parent is one). */
function unixInodes(): Set<string> {
  let text = '';
  try {
    text = readFileSync('/proc/net/unix', 'utf8');
  } catch {
    return new Set();
  }
  return new Set(
    text
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/)[6]),
  );
}

/**
 * The TCP connections `pid` holds open though their peer has gone: on `port`, those whose peer closed them (CLOSE_WAIT),
 * and on any port, those reset by their peer (gone from the kernel's tables while `pid` still has them open). For a
 * process whose sockets are TCP and Unix ones (Toxiproxy); a socket of another kind would count as reset.
 */
export function connectionsPeerGone(pid: number, port: number): { closeWait: number; reset: number } {
  const tables = tcpSockets();
  const unix = unixInodes();
  let closeWait = 0;
  let reset = 0;
  for (const inode of socketInodes(pid)) {
    const s = tables.get(inode);
    if (!s) {
      if (!unix.has(inode)) reset++;
    } else if (s.state === '08' && s.port === port) closeWait++;
  }
  return { closeWait, reset };
}

/**
 * The pids that own the socket listening on `port`, found from the OS (/proc), not from anyone's account: the
 * process a fault must signal to hit what serves that port. Empty when nothing listens there.
 */
export function listenerPids(port: number): number[] {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return [];
  const owners: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (/^\d+$/.test(entry) && socketInodes(Number(entry)).some((i) => inodes.has(i))) owners.push(Number(entry));
  }
  return owners;
}
