// The usual start-up mistakes, told in one line that names the setting to
// fix and how, instead of a driver's stack trace. web/index.ts prints the
// line and exits non-zero; anything not recognised here stays as it was.
import net from 'node:net';

/** A start-up failure the person starting Tally can fix; `message` is the one line to show. */
export class StartupError extends Error {}

interface DatabaseFailure {
  code?: string;
  message?: string;
}

/** host:port of a PostgreSQL URL, never its password. */
function serverOf(url: URL): string {
  return `${url.hostname}:${url.port || '5432'}`;
}

const CONNECTION_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'unknown host',
  ETIMEDOUT: 'no answer',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** The one line for a failure to connect to DATABASE_URL, or null when it is something else. */
export function explainDatabaseFailure(error: unknown, databaseUrl: string): string | null {
  const failure = (error ?? {}) as DatabaseFailure;
  const url = new URL(databaseUrl);
  const server = serverOf(url);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  const role = decodeURIComponent(url.username) || 'your user name';
  const refused =
    (failure.code ? CONNECTION_FAILURES[failure.code] : undefined) ??
    (/timeout/i.test(failure.message ?? '') ? 'no answer' : undefined) ??
    // Something answered the connection and hung up: not PostgreSQL, or a firewall in between.
    (/Connection terminated/i.test(failure.message ?? '') ? 'the connection was closed before PostgreSQL answered' : undefined);
  if (refused) {
    return `Cannot reach PostgreSQL at ${server} (DATABASE_URL): ${refused}. Start PostgreSQL, correct DATABASE_URL, or unset DATABASE_URL to use the embedded database.`;
  }
  switch (failure.code) {
    case '3D000':
      return `Database "${database}" does not exist on ${server} (DATABASE_URL): create it with \`createdb -h ${url.hostname} -p ${url.port || '5432'} ${database}\`, or point DATABASE_URL at an existing database.`;
    case '28000':
      return `PostgreSQL at ${server} refused role "${role}" (DATABASE_URL): ${failure.message}. Put an existing role in DATABASE_URL (postgresql://ROLE:PASSWORD@${server}/${database}) or create it with \`createuser ${role}\`.`;
    case '28P01':
      return `PostgreSQL at ${server} refused the password of role "${role}" (DATABASE_URL): correct the password in DATABASE_URL.`;
    default:
      return null;
  }
}

/** The first port after `port` that is free on `host` (to suggest one), or null. */
export async function freePortAfter(port: number, host: string, tries = 20): Promise<number | null> {
  for (let candidate = port + 1; candidate <= Math.min(port + tries, 65535); candidate++) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(false));
      probe.listen(candidate, host, () => probe.close(() => resolve(true)));
    });
    if (free) return candidate;
  }
  return null;
}

/** The one line for a failure to listen on PORT, or null when it is something else. */
export async function explainListenFailure(error: unknown, port: number, host: string, command: string): Promise<string | null> {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') {
    const free = await freePortAfter(port, host);
    const suggestion =
      free === null ? `start Tally on a free port with PORT=<port> ${command}` : `start Tally on a free port, e.g. PORT=${free} ${command}`;
    return `Port ${port} on ${host} is already in use (PORT): stop the program using it, or ${suggestion}.`;
  }
  if (code === 'EACCES')
    return `Port ${port} on ${host} needs privileges this user lacks (PORT): use a port above 1023, e.g. PORT=3000 ${command}.`;
  if (code === 'EADDRNOTAVAIL')
    return `Address ${host} is not on this machine (HOST): use 127.0.0.1, 0.0.0.0 or one of this machine's addresses.`;
  return null;
}
