/** "Sara A." — a member's name as other members may see it (leaderboards, friends' news). */
export function maskedName(m: { firstName: string | null; lastName: string | null }): string | null {
  if (!m.firstName) return null;
  return m.lastName ? `${m.firstName} ${[...m.lastName][0]}.` : m.firstName;
}
