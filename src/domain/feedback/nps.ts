/** Net Promoter Score: % of 9–10 answers minus % of 0–6 answers, rounded; null without answers. */
export function netPromoterScore(scores: number[]): number | null {
  if (!scores.length) return null;
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  return Math.round(((promoters - detractors) / scores.length) * 100);
}

export function npsFromCounts(answers: number, promoters: number, detractors: number): number | null {
  return answers ? Math.round(((promoters - detractors) / answers) * 100) : null;
}

/** Average rounded to two decimals; null without values. */
export function average(sum: number, n: number): number | null {
  return n ? Math.round((sum / n) * 100) / 100 : null;
}
