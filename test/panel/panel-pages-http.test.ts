import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../helpers/http.js';
import { csrfOf, panelClub, panelRequests } from '../helpers/panel.js';
import { joinedMember, newPhone } from '../helpers/services.js';
import type { Operator } from '../../src/domain/admin/permissions.js';

let api: TestApi;
let owner: Operator;
let manager: Operator;
let cashier: Operator;

beforeAll(async () => {
  ({ api, owner, manager, cashier } = await panelClub());
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const { signedIn, get, post, tokenFor, audited } = panelRequests(() => api);

describe('the club pages refuse roles as chat does, on GET and POST', () => {
  it('a cashier: every club page is 403, and the menu does not offer them', async () => {
    const cookie = await signedIn(cashier);
    for (const url of [
      '/panel/campaigns',
      '/panel/campaigns/new',
      '/panel/rewards',
      '/panel/tickets',
      '/panel/settings',
      '/panel/operators',
    ]) {
      const page = await get(url, cookie);
      expect(page.statusCode, url).toBe(403);
      expect(page.body).toContain('در دسترسی نقش شما (صندوق‌دار) نیست');
    }
    const members = await get('/panel/members', cookie);
    for (const path of ['campaigns', 'rewards', 'tickets', 'settings', 'operators'])
      expect(members.body).not.toContain(`href="/panel/${path}"`);
  });

  it('a cashier’s POSTs are refused with a valid token and audited; nothing changes', async () => {
    const cookie = await signedIn(cashier);
    const _csrf = await tokenFor(cookie);
    const before = (await api.w.services.settings.get(api.merchant.id)).earning.cashbackPercent;
    const posts: [string, Record<string, string>][] = [
      ['/panel/settings/earning', { 'pointsPerAmount.points': '10', 'pointsPerAmount.amount': '100000', cashbackPercent: '50' }],
      ['/panel/campaigns', { name: 'x', text: 'سلام', when: 'now' }],
      ['/panel/campaigns/segment-count', {}],
      ['/panel/operators/invite', { role: 'owner' }],
      ['/panel/rewards/wheel', { p0_label: 'x', p0_kind: 'nothing', p0_weight: '1' }],
    ];
    for (const [url, form] of posts) expect((await post(url, cookie, { ...form, _csrf })).statusCode, url).toBe(403);
    expect((await api.w.services.settings.get(api.merchant.id)).earning.cashbackPercent).toBe(before);
    expect(await audited('settings')).toContainEqual({ operator_id: cashier.id, allowed: false, target: 'earning' });
    expect((await audited('operators')).some((r) => r.operator_id === cashier.id && !r.allowed)).toBe(true);
  });

  it('a manager runs campaigns, rewards and tickets but not settings or operators', async () => {
    const cookie = await signedIn(manager);
    for (const url of ['/panel/campaigns', '/panel/rewards', '/panel/tickets']) expect((await get(url, cookie)).statusCode, url).toBe(200);
    for (const url of ['/panel/settings', '/panel/operators']) expect((await get(url, cookie)).statusCode, url).toBe(403);
    const _csrf = await tokenFor(cookie);
    expect((await post('/panel/settings/tiers', cookie, { _csrf, window: 'lifetime' })).statusCode).toBe(403);
  });

  it('every club POST without the session’s CSRF token is refused', async () => {
    const cookie = await signedIn(owner);
    for (const url of [
      '/panel/settings/earning',
      '/panel/campaigns',
      '/panel/campaigns/segment-count',
      '/panel/campaigns/preview',
      '/panel/operators/invite',
      '/panel/rewards/wheel',
      '/panel/rewards/wheel/odds',
    ]) {
      const res = await post(url, cookie, { cashbackPercent: '1' });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toContain('این فرم کهنه شده');
    }
  });
});

describe('settings', () => {
  it('a wrong value is refused by the API’s schema and named in Persian next to its field; a right one is saved and audited', async () => {
    const cookie = await signedIn(owner);
    const _csrf = await tokenFor(cookie);
    const bad = await post('/panel/settings/earning', cookie, {
      _csrf,
      'pointsPerAmount.points': '۱۰',
      'pointsPerAmount.amount': '۱۰۰٬۰۰۰',
      cashbackPercent: '۱۵۰',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/id="earning-cashbackPercent"[^>]*aria-invalid="true"[^>]*aria-describedby="earning-cashbackPercent-error"/);
    expect(bad.body).toContain('<span class="error field-error" id="earning-cashbackPercent-error">نباید بیشتر از ۱۰۰ باشد.</span>');
    expect(bad.body).toContain('value="۱۵۰"'); // what was typed stays

    const tiers = await post('/panel/settings/tiers', cookie, {
      _csrf,
      window: 'lifetime',
      'levels.0.key': 'bronze',
      'levels.0.threshold': '0',
      'levels.1.key': 'silver',
      'levels.1.threshold': '0',
    });
    expect(tiers.statusCode).toBe(400);
    expect(tiers.body).toContain('آستانهٔ هر سطح باید از سطح قبلی بیشتر باشد.');

    const ok = await post('/panel/settings/earning', cookie, {
      _csrf,
      'pointsPerAmount.points': '۱۲',
      'pointsPerAmount.amount': '۱۰۰٬۰۰۰',
      cashbackPercent: '۲٫۵',
      rules: '[]',
    });
    expect(ok.statusCode).toBe(303);
    const earning = (await api.w.services.settings.get(api.merchant.id)).earning;
    expect(earning).toMatchObject({ pointsPerAmount: { points: 12, amount: 100_000 }, cashbackPercent: 2.5 });
    expect(await audited('settings.update')).toContainEqual({ operator_id: owner.id, allowed: true, target: 'earning' });
    const page = await get('/panel/settings?saved=earning', cookie);
    expect(page.body).toContain('ذخیره شد.');
    expect(page.body).toContain('value="۱۰۰٬۰۰۰"');
  });

  it('a tier is added from the blank row and a referral side is left out when its amount is empty', async () => {
    const cookie = await signedIn(owner);
    const _csrf = await tokenFor(cookie);
    const res = await post('/panel/settings/tiers', cookie, {
      _csrf,
      window: '12m',
      'levels.0.key': 'bronze',
      'levels.0.threshold': '0',
      'levels.1.key': 'silver',
      'levels.1.threshold': '500',
      'levels.2.key': 'gold',
      'levels.2.threshold': '2000',
      'levels.3.key': 'vip',
      'levels.3.name.fa': 'ویژه',
      'levels.3.name.en': 'VIP',
      'levels.3.threshold': '۵۰۰۰',
    });
    expect(res.statusCode).toBe(303);
    const tiers = (await api.w.services.settings.get(api.merchant.id)).tiers;
    expect(tiers.window).toBe('12m');
    expect(tiers.levels.at(-1)).toEqual({ key: 'vip', name: { fa: 'ویژه', en: 'VIP' }, threshold: 5000 });

    const ref = await post('/panel/settings/referrals', cookie, {
      _csrf,
      enabled: 'on',
      'onJoin.referrer.currency': 'coins',
      'onJoin.referrer.amount': '۳۰',
      'onJoin.friend.currency': 'coins',
      'onJoin.friend.amount': '',
      'onFirstPurchase.minAmount': '0',
      'onFirstPurchase.referrer.currency': 'points',
      'onFirstPurchase.referrer.amount': '50',
      codeEntryDays: '7',
    });
    expect(ref.statusCode).toBe(303);
    const referrals = (await api.w.services.settings.get(api.merchant.id)).referrals;
    expect(referrals.onJoin).toEqual({ referrer: { currency: 'coins', amount: 30 } });
    expect(referrals.suggestAfterPurchase).toBe(false);
  });
});

describe('campaigns, tickets, rewards and operators', () => {
  it('the segment count and the preview answer htmx; a schedule in Jalali with Persian digits is kept in Tehran time', async () => {
    await joinedMember(api.w, api.merchant.id);
    const cookie = await signedIn(manager);
    const _csrf = await tokenFor(cookie);
    const count = await post('/panel/campaigns/segment-count', cookie, { _csrf });
    expect(count.body).toMatch(/^[۰-۹]+ عضو؛ [۰-۹]+ نفر پیام را می‌گیرند/);
    const bad = await post('/panel/campaigns/segment-count', cookie, { _csrf, seg_inactiveDays: 'ده' });
    expect(bad.body).toContain('یک عدد بنویسید.');
    const preview = await post('/panel/campaigns/preview', cookie, { _csrf, text: 'سلام {name} عزیز، {points} امتیاز دارید' });
    expect(preview.body).toContain('سلام مریم عزیز، ۱٬۲۵۰ امتیاز دارید');
    expect(preview.body).toContain('سلام دوست عزیز، ۱٬۲۵۰ امتیاز دارید');

    const created = await post('/panel/campaigns', cookie, {
      _csrf,
      name: 'یلدا',
      text: 'یلدا مبارک',
      when: 'later',
      date: '۱۴۰۵/۰۹/۳۰',
      time: '۱۸:۳۰',
    });
    expect(created.statusCode).toBe(303);
    const page = await get(created.headers.location as string, cookie);
    expect(page.body).toContain('زمان‌بندی‌شده');
    expect(page.body).toContain('۱۴۰۵/۰۹/۳۰، ۱۸:۳۰');
    expect(page.body).toContain('بدون گروه شاهد قابل سنجش نیست');
    expect(await audited('campaigns.create')).toContainEqual(expect.objectContaining({ operator_id: manager.id, allowed: true }));
    const past = await post('/panel/campaigns', cookie, { _csrf, name: 'x', text: 'x', when: 'later', date: '1400/01/01', time: '10:00' });
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('این زمان گذشته است');
  });

  it('a composer with a bad time and other mistakes names every mistake at once, each next to its field', async () => {
    const cookie = await signedIn(manager);
    const _csrf = await tokenFor(cookie);
    const bad = await post('/panel/campaigns', cookie, {
      _csrf,
      name: '',
      text: '',
      holdoutPercent: '۱۵۰',
      when: 'later',
      date: '۱۴۰۵/۰۹/۳۰',
      time: '۲۵:۹۹',
    });
    expect(bad.statusCode).toBe(400);
    const errorOf = (field: string) => new RegExp(`id="${field}-error">([^<]+)<`).exec(bad.body)?.[1];
    expect(errorOf('scheduleAt')).toBe('تاریخ و ساعت را مثل ۱۴۰۵/۰۹/۲۰ و ۱۸:۳۰ بنویسید.');
    expect(errorOf('name')).toBe('این خانه را پر کنید.');
    expect(errorOf('message.text')).toBe('این خانه را پر کنید.');
    expect(errorOf('holdoutPercent')).toBe('نباید بیشتر از ۵۰ باشد.');
    expect(bad.body).toContain('value="۱۵۰"'); // what was typed stays
  });

  it('a campaign with a holdout: its page shows recipients against the held-out members and the lift', async () => {
    await api.w.services.merchants.setTelegramToken(api.merchant.id, '123456789:AApanel-pages-kpi-test-token-00');
    const members = [];
    for (let i = 0; i < 20; i++) {
      // Reachable in Telegram: the club has a bot and the member a chat.
      const { member } = await api.w.services.members.register({
        merchantId: api.merchant.id,
        phone: newPhone(),
        channel: 'telegram',
        externalUserId: String(660_000 + i),
        chatId: String(660_000 + i),
      });
      members.push(await api.w.services.members.tag(api.merchant.id, member.id, ['lift']));
    }
    const cookie = await signedIn(manager);
    const _csrf = await tokenFor(cookie);
    const created = await post('/panel/campaigns', cookie, {
      _csrf,
      name: 'بازگشت',
      text: 'برگردید',
      seg_tags: 'lift',
      holdoutPercent: '۵۰',
      when: 'now',
    });
    expect(created.statusCode).toBe(303);
    const campaignId = (created.headers.location as string).split('/').at(-1)!;
    const broadcast = (await api.w.services.broadcasts.forCampaign(api.merchant.id, campaignId))!;
    // The worker's part, here by hand: the fan-out, then every pending delivery counted as sent.
    await api.w.services.broadcasts.start(broadcast.id);
    await api.w.db.pool.query("UPDATE broadcast_deliveries SET state = 'sent' WHERE broadcast_id = $1 AND state = 'pending'", [
      broadcast.id,
    ]);
    const { rows } = await api.w.db.pool.query("SELECT member_id FROM broadcast_deliveries WHERE broadcast_id = $1 AND state = 'sent'", [
      broadcast.id,
    ]);
    const buyer = members.find((m) => m.id === rows[0]!.member_id)!;
    const before = api.w.clock.now();
    api.w.clock.set(new Date(Date.now() + 3_600_000)); // deliveries carry the database's time
    await api.w.services.purchases.record(api.merchant.id, { orderId: 'lift-1', phone: buyer.phone, amount: 300_000 }, 'api');
    api.w.clock.set(before);
    const page = await get(`/panel/campaigns/${campaignId}`, cookie);
    expect(page.body).toMatch(
      /<th scope="row" data-label="گروه">گیرندگان<\/th>\s*<td data-label="اعضا">[۰-۹]+<\/td>\s*<td data-label="خریداران">۱<\/td>/,
    );
    expect(page.body).toContain('۳۰۰٬۰۰۰ تومان');
    expect(page.body).toMatch(/اثر کمپین:\s*<strong>[۰-۹٫]+ واحد درصد<\/strong>/);
  });

  it('a ticket reply from the panel is the staff reply the member gets in chat; the inbox shows Jalali dates', async () => {
    const member = await joinedMember(api.w, api.merchant.id);
    const ticket = await api.w.services.tickets.open(api.merchant.id, member.id, 0, 'کارت هدیه‌ام نرسید');
    const cookie = await signedIn(manager);
    const inbox = await get('/panel/tickets', cookie);
    expect(inbox.body).toContain(`/panel/tickets/${ticket.id}`);
    // Tickets carry the database's time: a Jalali date and time in Persian digits.
    expect(inbox.body).toMatch(/<td data-label="باز شده">[۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2}، [۰-۹]{2}:[۰-۹]{2}<\/td>/);
    const _csrf = await tokenFor(cookie);
    const res = await post(`/panel/tickets/${ticket.id}/reply`, cookie, { _csrf, text: 'فردا می‌رسد' });
    expect(res.statusCode).toBe(303);
    const { ticket: after, messages } = await api.w.services.tickets.get(api.merchant.id, ticket.id);
    expect(after.status).toBe('answered');
    expect(messages.at(-1)).toMatchObject({ author: 'staff', text: 'فردا می‌رسد' });
    const { rows } = await api.w.db.pool.query("SELECT type FROM outbox_events WHERE payload->>'ticket_id' = $1", [ticket.id]);
    expect(rows.map((r) => r.type)).toContain('ticket.replied');
  });

  it('voucher codes download as CSV with a BOM; the wheel shows the chances of the weights typed', async () => {
    const campaign = await api.w.services.vouchers.createCampaign(api.merchant.id, { name: 'تخفیف یلدا', kind: 'percent', value: 10 });
    const cookie = await signedIn(owner);
    const page = await get('/panel/rewards', cookie);
    expect(page.statusCode).toBe(200);
    const _csrf = csrfOf(page.body);
    const csv = await post(`/panel/rewards/vouchers/${campaign.id}/codes.csv`, cookie, { _csrf, count: '۵' });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.body.trim().split('\r\n')).toHaveLength(6);
    const odds = await post('/panel/rewards/wheel/odds', cookie, {
      _csrf,
      p0_label: 'پوچ',
      p0_weight: '۳',
      p1_label: 'سکه',
      p1_weight: '۱',
    });
    expect(odds.body).toContain('پوچ: <strong>۷۵٪</strong>');
    expect(odds.body).toContain('سکه: <strong>۲۵٪</strong>');
  });

  it('the gift queue: a manager rejects a request and the member gets the coins back; gifts show their picture and stock; raffles link their proof', async () => {
    const gift = await api.w.services.gifts.create(api.merchant.id, {
      title: 'ماگ باشگاه',
      imageUrl: 'https://cdn.example.com/mug.png',
      costCurrency: 'coins',
      cost: 15,
      stock: 4,
    });
    const member = await joinedMember(api.w, api.merchant.id, { coins: 20 });
    const { request } = await api.w.services.gifts.request(api.merchant.id, member, gift.id, 'panel-test-1');
    const raffle = await api.w.services.raffles.create(api.merchant.id, {
      title: 'قرعه‌کشی یلدا',
      prizes: [{ title: 'سبد یلدا', count: 1 }],
      entryRule: { kind: 'purchase' },
      opensAt: '2026-11-01T00:00:00+03:30',
      closesAt: '2026-12-21T20:00:00+03:30',
    });
    const cookie = await signedIn(manager);
    const page = await get('/panel/rewards', cookie);
    expect(page.body).toContain('<img src="https://cdn.example.com/mug.png"');
    expect(page.body).toMatch(/ماگ باشگاه[\s\S]*?۱۵ سکه[\s\S]*?<td data-label="موجودی">۳<\/td>/);
    expect(page.body).toContain(`action="/panel/rewards/gift-requests/${request.id}/reject"`);
    expect(page.body).not.toContain('ذخیرهٔ گردونه'); // the wheel is the owner's
    const proof = /href="(\/v1\/public\/raffles\/[^"]+\/proof)"/.exec(page.body)![1]!;
    expect(proof).toBe(`/v1/public/raffles/${raffle.id}/proof`);
    expect((await api.app.inject({ method: 'GET', url: proof })).statusCode).toBe(200);

    const rejected = await post(`/panel/rewards/gift-requests/${request.id}/reject`, cookie, { _csrf: csrfOf(page.body) });
    expect(rejected.statusCode).toBe(303);
    expect((await api.w.services.members.get(api.merchant.id, member.id)).balances.coins).toBe(20);
    expect(await audited('gifts.reject')).toContainEqual({ operator_id: manager.id, allowed: true, target: request.id });
    const again = await post(`/panel/rewards/gift-requests/${request.id}/ship`, cookie, { _csrf: csrfOf(page.body) });
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain('این کار برای این درخواست ممکن نیست.');
  });

  it('the owner saves the wheel from the editor: a prize without its amount is named by row in Persian; a gift prize names its gift', async () => {
    const gift = await api.w.services.gifts.create(api.merchant.id, { title: 'کیف پارچه‌ای', costCurrency: 'coins', cost: 0 });
    const cookie = await signedIn(owner);
    const page = await get('/panel/rewards', cookie);
    expect(page.body).toContain(`<option value="gift:${gift.id}" >🎁 کیف پارچه‌ای</option>`);
    const form = {
      _csrf: csrfOf(page.body),
      enabled: 'on',
      costCoins: '۵',
      p0_label: 'پوچ',
      p0_kind: 'nothing',
      p0_weight: '۶',
      p1_label: 'ده سکه',
      p1_kind: 'coins',
      p1_weight: '۳',
      p2_label: 'کیف',
      p2_kind: 'gift',
      p2_ref: `gift:${gift.id}`,
      p2_weight: '۱',
      p2_stock: '۲',
    };
    const bad = await post('/panel/rewards/wheel', cookie, form);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('ردیف ۲: مقدار این جایزه را بنویسید.');
    expect(bad.body).toContain('value="ده سکه"');
    const ok = await post('/panel/rewards/wheel', cookie, { ...form, p1_amount: '۱۰' });
    expect(ok.statusCode).toBe(303);
    const wheel = (await api.w.services.wheel.config(api.merchant.id))!;
    expect(wheel.costCoins).toBe(5);
    expect(wheel.prizes.map((p) => [p.label, p.kind, p.amount, p.weight, p.giftId, p.remaining])).toEqual([
      ['پوچ', 'nothing', null, 6, null, null],
      ['ده سکه', 'coins', 10, 3, null, null],
      ['کیف', 'gift', null, 1, gift.id, 2],
    ]);
    expect(await audited('wheel.replace')).toContainEqual({ operator_id: owner.id, allowed: true, target: null });
    const saved = await get('/panel/rewards?saved=wheel', cookie);
    expect(saved.body).toContain('گردونه ذخیره شد.');
    expect(saved.body).toContain(`<option value="gift:${gift.id}" selected>`);
  });

  it('the owner invites an operator with a code for /admin, changes a role and removes an operator', async () => {
    const cookie = await signedIn(owner);
    const _csrf = await tokenFor(cookie);
    const noBranch = await post('/panel/operators/invite', cookie, { _csrf, role: 'cashier', branch: '' });
    expect(noBranch.statusCode).toBe(400);
    // The mistake is named under the branch field of the invite form, not above the list of operators.
    expect(noBranch.body).toMatch(/id="invite-branch"[^>]*aria-invalid="true"[^>]*aria-describedby="invite-branch-error /);
    expect(noBranch.body).toMatch(
      /id="invite-branch"[^>]*>\s*<span class="error field-error" id="invite-branch-error">صندوق‌دار باید شعبه داشته باشد.<\/span>/,
    );
    const tooLong = await post('/panel/operators/invite', cookie, { _csrf, role: 'manager', branch: 'ش'.repeat(65) });
    expect(tooLong.body).toContain(`value="${'ش'.repeat(65)}"`); // what was typed stays, with the role chosen
    expect(tooLong.body).toMatch(/id="invite-role"[^]*?<option value="manager" selected>/);
    const invited = await post('/panel/operators/invite', cookie, { _csrf, role: 'cashier', branch: 'ونک' });
    const code = /\/admin ([A-Z0-9]+)/.exec(invited.body)![1]!;
    const joined = await api.w.services.operators.link(api.merchant.id, code, '99123', 'مینا');
    expect(joined).toMatchObject({ role: 'cashier', branch: 'ونک' });
    expect((await post(`/panel/operators/${joined.id}/role`, cookie, { _csrf, role: 'manager', branch: '' })).statusCode).toBe(303);
    expect((await api.w.services.operatorStore.get(api.merchant.id, joined.id))?.role).toBe('manager');
    expect((await post(`/panel/operators/${owner.id}/remove`, cookie, { _csrf })).statusCode).toBe(422);
    expect((await post(`/panel/operators/${joined.id}/remove`, cookie, { _csrf })).statusCode).toBe(303);
    expect(await api.w.services.operatorStore.get(api.merchant.id, joined.id)).toBeNull();
    expect(await audited('operators.remove')).toContainEqual({ operator_id: owner.id, allowed: true, target: joined.id });
  });
});
