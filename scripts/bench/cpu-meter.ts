// CPU seconds spent by the processes of one benchmark phase (Linux /proc): the server, this
// process (the load generator) and the database's backends, so a run says where the time went
// even when other work shares the machine. Other databases' backends are not counted.
import { readFileSync } from 'node:fs';
import type pg from 'pg';

const TICK = 100; // USER_HZ on Linux

function cpuOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK; // utime + stime
  } catch {
    return 0;
  }
}

async function backends(pool: pg.Pool): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  return rows.map((r) => r.pid);
}

export interface CpuSplit {
  server: number;
  postgres: number;
  client: number;
  /** Transactions committed in the database meanwhile (a statement outside BEGIN is one). */
  transactions: number;
}

async function commits(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()');
  return Number(rows[0]!.n);
}

/** Starts counting; the returned function gives the CPU seconds since then, per side. */
export async function cpuMeter(pool: pg.Pool, serverPid: number | undefined): Promise<() => Promise<CpuSplit>> {
  const before = new Map((await backends(pool)).map((pid) => [pid, cpuOf(pid)]));
  const server = serverPid ? cpuOf(serverPid) : 0;
  const client = process.cpuUsage();
  const committed = await commits(pool);
  return async () => {
    let postgres = 0;
    // Backends that ended meanwhile (pgbench's) are not seen: pgbench is measured by its rate only.
    for (const pid of await backends(pool)) postgres += cpuOf(pid) - (before.get(pid) ?? 0);
    const used = process.cpuUsage(client);
    const split = {
      server: serverPid ? cpuOf(serverPid) - server : 0,
      postgres,
      client: (used.user + used.system) / 1e6,
    };
    // Backends report their counts at most once a second.
    await new Promise((r) => setTimeout(r, 1_100));
    return { ...split, transactions: (await commits(pool)) - committed - 3 };
  };
}
