import type pg from 'pg';
import { generateCode, MEMBER_CODE_LENGTH, REFERRAL_CODE_LENGTH } from '../../domain/members/codes.js';
import type { ImportMember, ImportStore, ImportWriter } from '../../domain/members/member-import.js';
import type { PgLedgerStore } from '../ledger/pg-ledger-store.js';
import { inTransaction } from '../transaction.js';

export class PgImportStore implements ImportStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: PgLedgerStore,
  ) {}

  atomically<T>(fn: (writer: ImportWriter) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, (client) =>
      fn({
        upsert: (merchantId, rows, defaultTier) => upsert(client, merchantId, rows, defaultTier),
        applyLedger: (cmd) => savepoint(client, () => this.ledger.applyIn(client, cmd)),
      }),
    );
  }
}

/** Runs `fn` so that its failure undoes only its own writes and leaves the transaction usable. */
async function savepoint<T>(client: pg.PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query('SAVEPOINT import_step');
  try {
    const out = await fn();
    await client.query('RELEASE SAVEPOINT import_step');
    return out;
  } catch (err) {
    await client.query('ROLLBACK TO SAVEPOINT import_step');
    throw err;
  }
}

async function upsert(client: pg.PoolClient, merchantId: string, rows: ImportMember[], defaultTier: string) {
  for (let attempt = 0; ; attempt++) {
    const payload = rows.map((r) => ({ ...r, mc: generateCode(MEMBER_CODE_LENGTH), rc: generateCode(REFERRAL_CODE_LENGTH) }));
    try {
      const { rows: out } = await savepoint(client, () =>
        client.query<{ id: string; phone: string; created: boolean }>(
          `INSERT INTO members (id, merchant_id, phone, member_code, referral_code, tier, status, first_name, last_name, birth_date, gender, city, tags)
         SELECT gen_random_uuid(), $1, r.phone, r.mc, r.rc, $2, 'pending', r."firstName", r."lastName", r."birthDate", r.gender::gender, r.city,
                ARRAY(SELECT jsonb_array_elements_text(r.tags))
         FROM jsonb_to_recordset($3::jsonb) AS r(phone text, mc text, rc text, "firstName" text, "lastName" text, "birthDate" date, gender text, city text, tags jsonb)
         ON CONFLICT (merchant_id, phone) DO UPDATE SET
           first_name = coalesce(members.first_name, EXCLUDED.first_name),
           last_name = coalesce(members.last_name, EXCLUDED.last_name),
           birth_date = coalesce(members.birth_date, EXCLUDED.birth_date),
           gender = coalesce(members.gender, EXCLUDED.gender),
           city = coalesce(members.city, EXCLUDED.city),
           tags = ARRAY(SELECT DISTINCT t FROM unnest(members.tags || EXCLUDED.tags) t ORDER BY t),
           updated_at = now()
         RETURNING id, phone, (xmax = 0) AS created`,
          [merchantId, defaultTier, JSON.stringify(payload)],
        ),
      );
      return new Map(out.map((r) => [r.phone, { id: r.id, created: r.created }]));
    } catch (err) {
      // A generated member or referral code collided with an existing one: draw again.
      const constraint = (err as { constraint?: string }).constraint ?? '';
      if (!/member_code|referral_code/.test(constraint) || attempt >= 5) throw err;
    }
  }
}
