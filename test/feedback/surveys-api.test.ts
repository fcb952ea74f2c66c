import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netPromoterScore } from '../../src/domain/feedback/nps.js';
import { createTestApi, type TestApi } from '../helpers/http.js';
import { newPhone } from '../helpers/services.js';

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
  await t.w.services.merchants.setTelegramToken(t.merchant.id, '123456789:AAsurveys-api-test-token-000000');
});
afterAll(() => t.close());

describe('NPS', () => {
  it('is % promoters (9–10) minus % detractors (0–6), rounded', () => {
    expect(netPromoterScore([10, 9, 9, 8, 7, 6, 3, 0, 10, 10])).toBe(20); // 5 promoters, 3 detractors of 10
    expect(netPromoterScore([6, 5, 10])).toBe(-33);
    expect(netPromoterScore([])).toBeNull();
  });
});

describe('merchant surveys over HTTP', () => {
  it('creates a survey, sends it to a segment as a campaign with a survey button, and sums up the answers', async () => {
    const s = t.w.services;
    const m = t.merchant.id;
    const members = [];
    for (let i = 0; i < 10; i++) {
      const { member } = await s.members.register({
        merchantId: m,
        phone: newPhone(),
        channel: 'telegram',
        externalUserId: String(7700 + i),
        chatId: String(7700 + i),
      });
      await s.members.tag(m, member.id, ['regulars']);
      members.push(member);
    }
    const created = await t.api('POST', '/v1/surveys', {
      title: 'منوی پاییزه',
      questions: [
        { kind: 'rating', text: 'طعم نوشیدنی‌ها؟' },
        { kind: 'choice', text: 'کدام را بیشتر دوست داشتید؟', options: ['لاته کدو', 'چای ماسالا', 'شکلات داغ'] },
        { kind: 'nps', text: 'ما را به دوستانتان پیشنهاد می‌کنید؟' },
        { kind: 'text', text: 'پیشنهادتان؟' },
      ],
      segment: { tags: ['regulars'] },
      message: { text: '{name} جان، نظرتان دربارهٔ منوی پاییزه؟' },
    });
    expect(created.statusCode).toBe(201);
    const { id, campaignId, broadcastId, recipients } = created.json();
    expect(recipients).toBe(10);
    expect(broadcastId).toBeTruthy();
    const campaign = await t.w.db.pool.query('SELECT message FROM campaigns WHERE id = $1', [campaignId]);
    expect(campaign.rows[0].message).toMatchObject({ surveyId: id });

    // Ten members answer (through the same service the chat buttons call).
    const ratings = [5, 4, 4, 3, 5, 2, 5, 4, 3, 5];
    const choices = [1, 1, 2, 3, 1, 2, 1, 1, 3, 2];
    const nps = [10, 9, 9, 8, 7, 6, 3, 0, 10, 10];
    for (const [i, member] of members.entries()) {
      const { response } = await s.surveys.start(m, member.id, id);
      await s.surveys.answer(m, member.id, response.id, 'q1', ratings[i]!);
      await s.surveys.answer(m, member.id, response.id, 'q2', choices[i]!);
      await s.surveys.answer(m, member.id, response.id, 'q3', nps[i]!);
      if (i < 4) await s.surveys.answer(m, member.id, response.id, 'q4', `نظر ${i + 1}`);
    }
    // Out-of-range answers are refused and change nothing.
    const { response: first } = await s.surveys.start(m, members[0]!.id, id);
    await expect(s.surveys.answer(m, members[0]!.id, first.id, 'q1', 9)).rejects.toMatchObject({ code: 'invalid_answer' });

    const res = await t.api('GET', `/v1/surveys/${id}/results`);
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({ id, title: 'منوی پاییزه', responses: 10, completed: 4 });
    expect(r.questions[0]).toEqual({ id: 'q1', kind: 'rating', text: 'طعم نوشیدنی‌ها؟', answers: 10, average: 4 });
    expect(r.questions[1].counts).toEqual({ 'لاته کدو': 5, 'چای ماسالا': 3, 'شکلات داغ': 2 });
    expect(r.questions[2]).toMatchObject({ kind: 'nps', answers: 10, average: 7.2, nps: 20 });
    expect(r.questions[3]).toMatchObject({ kind: 'text', answers: 4, texts: ['نظر 1', 'نظر 2', 'نظر 3', 'نظر 4'] });
  });

  it('explains a bad survey and an unknown id', async () => {
    const bad = await t.api('POST', '/v1/surveys', { title: 'x', questions: [{ kind: 'choice', text: 'one option?', options: ['a'] }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_survey');
    const noMessage = await t.api('POST', '/v1/surveys', { title: 'x', questions: [{ kind: 'rating', text: 'ok?' }], segment: {} });
    expect(noMessage.statusCode).toBe(400);
    const noSegment = await t.api('POST', '/v1/surveys', {
      title: 'x',
      questions: [{ kind: 'rating', text: 'ok?' }],
      message: { text: 'نظرتان؟' },
    });
    expect(noSegment.statusCode).toBe(400);
    expect(noSegment.json().error).toMatchObject({ code: 'invalid_survey', details: { field: 'segment' } });
    expect((await t.w.db.pool.query("SELECT 1 FROM surveys WHERE title = 'x'")).rowCount).toBe(0);
    const missing = await t.api('GET', '/v1/surveys/00000000-0000-0000-0000-000000000000/results');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('survey_not_found');
  });
});
