-- Balances and totals are read as JavaScript numbers: past 2^53 - 1 they lose precision and the
-- API cannot serialise them. An operation that would take a member there fails as a whole.
ALTER TABLE "members" ADD CONSTRAINT "members_totals_safe" CHECK (
    "points" <= 9007199254740991 AND "coins" <= 9007199254740991 AND "credit" <= 9007199254740991
    AND "points_debt" <= 9007199254740991 AND "coins_debt" <= 9007199254740991 AND "credit_debt" <= 9007199254740991
    AND "points_earned_total" <= 9007199254740991 AND "purchase_total" <= 9007199254740991
);
