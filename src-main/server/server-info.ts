import { lstatSync, readFileSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { isErrnoException } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs/atomic-write.js';

/** `server.json` in the data dir: how other processes find the running service. */
export interface ServerInfo {
  pid: number;
  socket: string;
  /** http://127.0.0.1:<port>/mcp */
  mcp_url: string;
  /** http://127.0.0.1:<port> */
  http_origin: string;
  started_at: string;
  version: string;
}

export function serverInfoPath(dataDir: string): string {
  return join(dataDir, 'server.json');
}

/** The socket file name in the data dir (a named pipe on Windows). */
export function socketPath(dataDir: string): string {
  if (process.platform === 'win32') return `\\\\.\\pipe\\keyway-${Buffer.from(dataDir).toString('hex').slice(-32)}`;
  return join(dataDir, 'keyway.sock');
}

export function readServerInfo(dataDir: string): ServerInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(serverInfoPath(dataDir), 'utf8')) as Partial<ServerInfo>;
    if (typeof info.pid !== 'number' || typeof info.socket !== 'string' || typeof info.mcp_url !== 'string') return undefined;
    return info as ServerInfo;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return undefined;
    return undefined;
  }
}

export function writeServerInfo(dataDir: string, info: ServerInfo): void {
  writeFileAtomic(serverInfoPath(dataDir), `${JSON.stringify(info, null, 2)}\n`);
}

/** Removes server.json only if it still names this process (a successor's file is left alone). */
export function removeServerInfo(dataDir: string, pid: number): void {
  if (readServerInfo(dataDir)?.pid !== pid) return;
  try {
    unlinkSync(serverInfoPath(dataDir));
  } catch {
    // Already gone.
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrnoException(error) && error.code === 'EPERM';
  }
}

/** True when something accepts connections on the socket. */
export function socketAnswers(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * The service running on this data dir (server.json + live pid + socket answering), if any. A
 * server.json is believed only when its socket is this data dir's own socket file, is a socket, and
 * belongs to this user: anything else (a forged file naming another socket) is ignored, so the CLI
 * never sends an env var's value or a passphrase to a process that is not the owner's service.
 */
export async function findRunningServer(dataDir: string): Promise<ServerInfo | undefined> {
  const info = readServerInfo(dataDir);
  if (!info || !pidAlive(info.pid) || !ownSocket(dataDir, info.socket)) return undefined;
  return (await socketAnswers(info.socket)) ? info : undefined;
}

/** True when `path` is this data dir's socket, a socket file, owned by the current user (Unix). */
export function ownSocket(dataDir: string, path: string): boolean {
  if (path !== socketPath(dataDir)) return false;
  if (process.platform === 'win32') return true;
  try {
    const stat = lstatSync(path);
    return stat.isSocket() && stat.uid === process.getuid?.();
  } catch {
    return false;
  }
}
