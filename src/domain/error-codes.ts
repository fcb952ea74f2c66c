import type { ErrorKind } from './errors.js';

type Entry = { kind: ErrorKind; message: string };

/**
 * Every error code the club answers with, its kind (HTTP maps kinds to statuses) and a default
 * message. Clients switch on these codes; a code outside this list does not compile. The
 * OpenAPI document lists, per route, the codes the route names (schema.errors) from here.
 */
export const ERROR_CODES = {
  // The request itself (HTTP)
  validation_failed: { kind: 'invalid', message: 'A field of the request is missing or wrong; details name each one' },
  invalid_json: { kind: 'invalid', message: 'Body is not valid JSON' },
  invalid_text: { kind: 'invalid', message: 'A text holds a NUL byte or a lone surrogate, which text cannot contain' },
  payload_too_large: { kind: 'too_large', message: 'Request body is larger than 1 MiB' },
  unsupported_media_type: { kind: 'unsupported_media_type', message: 'Content-Type must be application/json' },
  route_not_found: { kind: 'not_found', message: 'No such route' },
  link_not_found: { kind: 'not_found', message: 'No such short link' },
  bad_request: { kind: 'invalid', message: 'The request could not be read' },
  rate_limited: { kind: 'rate_limited', message: 'Too many requests for this merchant; see Retry-After' },
  too_many_failed_auth: { kind: 'rate_limited', message: 'Too many requests with wrong credentials from this address; see Retry-After' },
  internal_error: { kind: 'internal', message: 'Something went wrong on our side; it has been logged' },
  // Authentication
  missing_api_key: { kind: 'unauthorized', message: 'Send the API key as Authorization: Bearer <key>' },
  invalid_api_key: { kind: 'unauthorized', message: 'This API key is not valid (revoked or mistyped)' },
  unknown_merchant: { kind: 'unauthorized', message: 'X-Bashgah-Merchant does not name a merchant' },
  missing_signature: { kind: 'unauthorized', message: 'X-Bashgah-Timestamp and X-Bashgah-Signature (v1=<hex>) are required' },
  stale_timestamp: { kind: 'unauthorized', message: 'X-Bashgah-Timestamp is more than the allowed skew away from our clock' },
  invalid_signature: { kind: 'unauthorized', message: 'The signature does not match the body' },
  invalid_secret_token: { kind: 'unauthorized', message: 'X-Telegram-Bot-Api-Secret-Token is missing or wrong' },
  unknown_bot: { kind: 'not_found', message: 'No bot for this merchant' },
  // References to another club's things, or to nothing
  unknown_voucher_campaign: { kind: 'unprocessable', message: 'No voucher campaign of this club has this id' },
  unknown_gift: { kind: 'unprocessable', message: 'No gift of this club has this id' },
  unknown_survey: { kind: 'unprocessable', message: 'No survey of this club has this id' },
  unknown_member: { kind: 'unprocessable', message: 'No member of this club has this id' },
  channel_not_linked: { kind: 'unprocessable', message: 'The member has no chat on this channel to prefer' },
  // Merchants and settings
  merchant_not_found: { kind: 'not_found', message: 'No merchant with this id' },
  invalid_name: { kind: 'invalid', message: 'Merchant name must be 1–120 characters' },
  invalid_settings: { kind: 'invalid', message: 'The settings are not valid; details name each field' },
  invalid_telegram_token: { kind: 'invalid', message: 'Telegram token must look like 123456789:AA…' },
  invalid_bale_token: { kind: 'invalid', message: 'Bale token must look like 123456789:AbC…' },
  invalid_whatsapp_number: { kind: 'invalid', message: 'WhatsApp number must be a mobile number, e.g. +989121234567' },
  whatsapp_number_taken: { kind: 'conflict', message: 'Another merchant already uses this WhatsApp number' },
  no_pairing_qr: { kind: 'not_found', message: 'No WhatsApp pairing QR is waiting' },
  whatsapp_not_running: { kind: 'internal', message: 'The WhatsApp process is not running' },
  queue_unavailable: { kind: 'unprocessable', message: 'Broadcasts need Redis: use the API or the bot' },
  // Members
  member_not_found: { kind: 'not_found', message: 'No such member' },
  member_blocked: { kind: 'forbidden', message: 'This member is blocked by the club' },
  member_required: { kind: 'invalid', message: 'Give phone or memberCode' },
  invalid_phone: { kind: 'invalid', message: 'Not a valid mobile number (e.g. 09121234567)' },
  invalid_member_code: { kind: 'invalid', message: 'memberCode is not a valid member code' },
  invalid_first_name: { kind: 'invalid', message: 'first_name must be letters' },
  invalid_last_name: { kind: 'invalid', message: 'last_name must be letters' },
  invalid_birth_date: { kind: 'invalid', message: 'Birth date is out of range' },
  invalid_tag: { kind: 'invalid', message: 'Tags are letters, digits, _ and -' },
  invalid_csv: { kind: 'invalid', message: 'The CSV could not be read' },
  unsupported_charset: { kind: 'invalid', message: 'The charset is not supported; send UTF-8 or windows-1256' },
  invalid_encoding: { kind: 'invalid', message: 'The file is not valid text in the charset its Content-Type names' },
  // Ledger
  invalid_amount: { kind: 'invalid', message: 'Amounts must be whole and not negative' },
  invalid_currency: { kind: 'invalid', message: 'Unknown currency' },
  invalid_mode: { kind: 'invalid', message: 'Unknown ledger line mode' },
  insufficient_balance: { kind: 'unprocessable', message: 'Not enough balance for this spend' },
  amount_too_large: { kind: 'unprocessable', message: 'This would take the member past the largest balance the club can count' },
  idempotency_conflict: { kind: 'conflict', message: 'This idempotency key was already used with different content' },
  // Purchases and refunds
  invalid_order_id: { kind: 'invalid', message: 'orderId must be 1–128 characters' },
  invalid_refund_id: { kind: 'invalid', message: 'refundId must be 1–128 characters' },
  invalid_branch: { kind: 'invalid', message: 'branch is at most 64 characters' },
  invalid_staff_code: { kind: 'invalid', message: 'Staff codes are 1–64 letters, digits, _ . -' },
  order_conflict: { kind: 'conflict', message: 'This orderId was already recorded with different content' },
  order_not_found: { kind: 'not_found', message: 'No purchase with this orderId' },
  refund_conflict: { kind: 'conflict', message: 'This refundId was already recorded with different content' },
  refund_exceeds_purchase: { kind: 'unprocessable', message: 'The refund is larger than what remains of the purchase' },
  already_refunded: { kind: 'unprocessable', message: 'The order is already fully refunded' },
  stale_purchase: { kind: 'conflict', message: 'The purchase changed while the refund was prepared' },
  invalid_range: { kind: 'invalid', message: 'from and to are dates like 1405/01/01, from not after to' },
  invalid_date: { kind: 'invalid', message: 'from and to are dates like 1405/01/01 or 2026-03-21' },
  // Referrals
  unknown_referral_code: { kind: 'invalid', message: 'No member of this club has that referral code' },
  own_referral_code: { kind: 'invalid', message: 'That is your own code' },
  already_referred: { kind: 'unprocessable', message: 'A referrer is already recorded for this member' },
  circular_referral: {
    kind: 'unprocessable',
    message: 'This member joined through you (directly or down the line), so they cannot be your referrer',
  },
  code_entry_closed: { kind: 'unprocessable', message: 'Referral codes can be entered only within some days of joining' },
  // Wheel
  invalid_wheel: { kind: 'invalid', message: 'The wheel is not valid; details name each field' },
  no_wheel: { kind: 'not_found', message: 'This club has no lucky wheel' },
  tier_too_low: { kind: 'forbidden', message: 'The wheel is for a higher tier' },
  wheel_empty: { kind: 'unprocessable', message: 'Every prize of the wheel is out of stock' },
  limit_per_day: { kind: 'unprocessable', message: 'No spins left today' },
  limit_per_week: { kind: 'unprocessable', message: 'No spins left this week' },
  // Gifts
  invalid_gift: { kind: 'invalid', message: 'The gift is not valid; details name each field' },
  gift_not_found: { kind: 'not_found', message: 'No gift with this id' },
  out_of_stock: { kind: 'unprocessable', message: 'This gift is out of stock' },
  gift_request_not_found: { kind: 'not_found', message: 'No gift request with this id' },
  invalid_transition: { kind: 'unprocessable', message: 'The request cannot move to that status from its current one' },
  // Vouchers
  invalid_campaign: { kind: 'invalid', message: 'The campaign is not valid; details name each field' },
  campaign_not_found: { kind: 'not_found', message: 'No campaign with this id' },
  invalid_code: { kind: 'invalid', message: 'Not a voucher code' },
  shared_code_taken: { kind: 'conflict', message: 'Another voucher campaign of this club already has this shared code' },
  invalid_count: { kind: 'invalid', message: 'The count is out of range' },
  shared_campaign: { kind: 'unprocessable', message: 'A shared campaign has one code; it needs no batch' },
  not_exchangeable: { kind: 'unprocessable', message: 'This voucher cannot be bought with coins' },
  redemption_conflict: { kind: 'conflict', message: 'This order already redeemed a voucher with other content' },
  voucher_expired: { kind: 'unprocessable', message: 'This voucher has expired' },
  voucher_inactive: { kind: 'unprocessable', message: 'This voucher is not active' },
  voucher_not_started: { kind: 'unprocessable', message: 'This voucher is not valid yet' },
  voucher_below_minimum: { kind: 'unprocessable', message: 'The purchase is below the voucher’s minimum' },
  voucher_no_matching_items: { kind: 'unprocessable', message: 'No item in the basket is in the voucher’s categories' },
  voucher_tier_not_allowed: { kind: 'unprocessable', message: 'The member’s tier cannot use this voucher' },
  voucher_unknown_code: { kind: 'unprocessable', message: 'No voucher with this code' },
  voucher_already_redeemed: { kind: 'unprocessable', message: 'This code has already been used' },
  voucher_limit_reached: { kind: 'unprocessable', message: 'This code has reached its limit' },
  voucher_member_limit_reached: { kind: 'unprocessable', message: 'This member has used this code as often as allowed' },
  voucher_not_yours: { kind: 'unprocessable', message: 'This code belongs to another member' },
  // Raffles
  invalid_raffle: { kind: 'invalid', message: 'The raffle is not valid; details name each field' },
  raffle_not_found: { kind: 'not_found', message: 'No raffle with this id' },
  raffle_closed: { kind: 'unprocessable', message: 'This raffle is not taking tickets' },
  raffle_not_drawn: { kind: 'unprocessable', message: 'The raffle has not been drawn yet' },
  raffle_still_open: { kind: 'unprocessable', message: 'The raffle closes later' },
  raffle_drawn: { kind: 'unprocessable', message: 'This raffle has been drawn; it can no longer be cancelled' },
  not_for_coins: { kind: 'unprocessable', message: 'Tickets of this raffle come with purchases, not coins' },
  // Campaigns and broadcasts
  invalid_segment: { kind: 'invalid', message: 'The segment is not valid; details name each field' },
  empty_message: { kind: 'invalid', message: 'The message is empty' },
  schedule_in_past: { kind: 'unprocessable', message: 'scheduleAt is in the past' },
  broadcast_not_found: { kind: 'not_found', message: 'No broadcast with this id' },
  already_finished: { kind: 'unprocessable', message: 'The broadcast has already finished' },
  not_running: { kind: 'unprocessable', message: 'Only a scheduled or running broadcast can be paused' },
  not_paused: { kind: 'unprocessable', message: 'Only a paused broadcast can be resumed' },
  // Feedback and support
  invalid_survey: { kind: 'invalid', message: 'The survey is not valid; details name each field' },
  survey_not_found: { kind: 'not_found', message: 'No such survey' },
  question_not_found: { kind: 'not_found', message: 'No such question' },
  not_a_custom_survey: { kind: 'unprocessable', message: 'This survey is sent after purchases' },
  invalid_answer: { kind: 'invalid', message: 'The answer is not valid' },
  invalid_rating: { kind: 'invalid', message: 'A rating is 1 to 5 stars' },
  invalid_nps: { kind: 'invalid', message: 'The recommendation score is 0 to 10' },
  invalid_category: { kind: 'invalid', message: 'No such ticket category' },
  ticket_not_found: { kind: 'not_found', message: 'No such ticket' },
  ticket_closed: { kind: 'unprocessable', message: 'This ticket is closed' },
  // Operators (chat admin)
  invalid_role: { kind: 'invalid', message: 'Not an operator role' },
  branch_required: { kind: 'invalid', message: 'A cashier works in a branch: give --branch' },
  not_allowed: { kind: 'forbidden', message: 'This role cannot do that' },
  other_branch: { kind: 'forbidden', message: 'A cashier can only return purchases of their own branch' },
  own_purchase: { kind: 'forbidden', message: 'An operator cannot record a purchase for their own member account' },
  invite_unknown: { kind: 'unprocessable', message: 'No such code' },
  invite_used: { kind: 'unprocessable', message: 'This code has already been used' },
  invite_expired: { kind: 'unprocessable', message: 'This code has expired' },
  // Outgoing webhooks
  webhook_endpoint_not_found: { kind: 'not_found', message: 'No webhook endpoint with this id' },
  webhook_delivery_not_found: { kind: 'not_found', message: 'No webhook delivery with this id' },
  invalid_webhook_url: { kind: 'invalid', message: 'The URL must be http:// or https://, without user:password' },
  webhook_url_not_allowed: {
    kind: 'unprocessable',
    message: 'The URL points to a loopback, private or link-local address; webhooks go to public addresses only',
  },
  unknown_event_type: { kind: 'invalid', message: 'events lists event types of the catalogue, or "*"' },
  too_many_webhook_endpoints: { kind: 'unprocessable', message: 'A club has at most 16 webhook endpoints' },
  // Web panel
  operator_not_found: { kind: 'not_found', message: 'No active operator with this id in this club' },
  csrf_failed: { kind: 'forbidden', message: 'The form is stale or came from another site; reload the page and try again' },
} as const satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes of one kind: `invalid(...)` takes only codes of kind invalid, and so on. */
export type CodeOf<K extends ErrorKind> = { [C in ErrorCode]: (typeof ERROR_CODES)[C]['kind'] extends K ? C : never }[ErrorCode];

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CODES, code);
