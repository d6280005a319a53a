/**
 * CPU time of the server process behind a port, for the bench's CPU per
 * request. On a machine shared with other work, req/s moves with the
 * neighbours' load (and with the load generator's own share of the cores);
 * the CPU time a server spent per answered request moves much less, so it
 * is the figure to compare two apps by there. Linux only (/proc): elsewhere,
 * or when the process cannot be found, there is no probe and the bench
 * reports req/s alone.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Milliseconds of user + system CPU the process has used so far (all its threads), or undefined once it is gone. */
export type CpuProbe = () => number | undefined;

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every mainstream Linux. */
const TICK_MS = 10;

export function cpuProbeForPid(pid: number): CpuProbe {
  return () => cpuMsOf(pid);
}

/** The process listening on `port` on this machine (Linux), or undefined. */
export function pidForPort(port: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  return ownerOf(inodes);
}

/** Socket inodes listening on `port` (IPv4 and IPv6), from /proc/net/tcp{,6}. */
function listeningInodes(port: number): Set<string> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (fields.length < 10 || fields[3] !== '0A') continue; // 0A: LISTEN
      if (fields[1]!.endsWith(`:${hexPort}`)) inodes.add(fields[9]!);
    }
  }
  return inodes;
}

/** The process holding one of the sockets open. */
function ownerOf(inodes: Set<string>): number | undefined {
  const wanted = new Set([...inodes].map((inode) => `socket:[${inode}]`));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      try {
        if (wanted.has(readlinkSync(`/proc/${entry}/fd/${fd}`))) return Number(entry);
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

function cpuMsOf(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name, which is in parentheses and may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
}
