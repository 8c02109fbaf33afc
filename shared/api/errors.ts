/**
 * Every error the public API answers, with its HTTP status. Bodies are
 * `{ code, message }`: `code` is stable (clients branch on it), `message` is a
 * sentence a person can act on and may change.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, description: 'A path parameter, query parameter or the body is invalid; the message names the field.' },
  UNKNOWN_PARAMETER: { status: 400, description: 'The query string carries a parameter this route does not take.' },
  INVALID_JSON: { status: 400, description: 'The body is not valid JSON.' },
  BODY_REQUIRED: { status: 400, description: 'The route needs a JSON body and none was sent.' },
  INVALID_CURSOR: { status: 400, description: 'The `cursor` is not one this list handed out; start again without it.' },
  INVALID_SIGNATURE: { status: 400, description: 'A webhook whose signature header is missing, does not match its body, or is older than the tolerance; nothing was recorded.' },
  INVALID_WEBHOOK: { status: 400, description: 'A signed webhook whose body is not the JSON the provider sends (request_id, status); nothing was recorded.' },
  UNAUTHENTICATED: { status: 401, description: 'No valid token: sign in again.' },
  FORBIDDEN: { status: 403, description: 'The caller is signed in but not in the group the route requires.' },
  API_KEY_NOT_ALLOWED: { status: 403, description: 'A request made with an API key may not create, list or revoke API keys; sign in to manage them.' },
  UNKNOWN_STYLE: { status: 400, description: 'The order names a style its studio does not offer; the message lists the ones it does.' },
  STUDIO_NOT_FOUND: { status: 404, description: 'No studio with this ID exists.' },
  STYLE_NOT_FOUND: { status: 404, description: 'The studio has no style with this ID.' },
  IMAGE_NOT_FOUND: { status: 404, description: 'No image with this ID exists: the style, or the order in review (for an artist: an order assigned to them), has none.' },
  PHOTO_NOT_FOUND: { status: 404, description: 'The order has no photo with this ID.' },
  WALLET_NOT_FOUND: { status: 404, description: 'No wallet with this ID exists that the caller may use.' },
  ORDER_NOT_FOUND: { status: 404, description: 'No order with this ID exists for the caller.' },
  ORDER_NOT_WAITING: { status: 409, description: 'The order is not waiting for a decision (already decided, expired or finished).' },
  ORDER_NOT_DELIVERED: { status: 409, description: 'The order has not been delivered yet: its headshots are still being made or reviewed (or it ended without them).' },
  ORDER_NOT_IN_REVIEW: { status: 409, description: 'The order is not waiting for review: it is still being made, was delivered already, or ended.' },
  ALREADY_ASSIGNED: { status: 409, description: 'Another artist reviews this order; an admin can reassign it.' },
  NOT_AN_ARTIST: { status: 409, description: 'The person named is not in the artists group, or an artist tried to assign someone other than themselves.' },
  IMAGE_SET_ASIDE: { status: 409, description: 'The identity lock set this image aside (it did not look like the customer); it cannot be approved.' },
  REVIEW_INCOMPLETE: { status: 409, description: 'Some images the identity lock kept have no decision yet; approve or reject each before delivering.' },
  NOTHING_APPROVED: { status: 409, description: 'No image is approved; an order is delivered with at least one.' },
  ORDERS_IN_PROGRESS: { status: 409, description: 'The account still has orders in progress (drafts included); finish or wait for them before deleting it.' },
  LEAVE_ORGANISATIONS_FIRST: { status: 409, description: 'The account belongs to an organisation; leave it (an owner hands it to another owner first) before deleting the account.' },
  TOO_MANY_OPEN_ORDERS: { status: 409, description: 'The customer has as many orders in progress as allowed; one must end before the next.' },
  ORDER_NOT_EDITABLE: { status: 409, description: 'Photos can be added, removed and submitted only while the order is a draft or needs new photos.' },
  TOO_MANY_PHOTOS: { status: 409, description: 'The order holds as many photos as allowed; remove one before adding another.' },
  NO_PHOTOS: { status: 409, description: 'The order has no photos yet; upload some before submitting.' },
  STUDIO_EXISTS: { status: 409, description: 'A studio with this name (and so this ID) exists already.' },
  TOO_MANY_STYLES: { status: 409, description: 'The studio has as many styles as allowed.' },
  TOO_MANY_IMAGES: { status: 409, description: 'The style has as many images of this kind as allowed; remove one first.' },
  IMAGE_NOT_UPLOADED: { status: 409, description: 'The image has not arrived (or is not an image of an allowed type); upload it again.' },
  API_KEY_NOT_FOUND: { status: 404, description: 'No live API key with this ID exists that the caller may manage.' },
  TOO_MANY_API_KEYS: { status: 409, description: 'The person or organisation holds as many live API keys as allowed; revoke one first.' },
  ORGANISATION_NOT_FOUND: { status: 404, description: 'No organisation with this ID exists that the caller belongs to.' },
  MEMBER_NOT_FOUND: { status: 404, description: 'The organisation has no member with this ID.' },
  INVITATION_NOT_FOUND: { status: 404, description: 'No invitation matches: the link is incomplete, or the organisation has no pending invitation with this ID.' },
  ORGANISATION_ADMIN_REQUIRED: { status: 403, description: "Only the organisation's owners and admins may do this (members cannot invite, change or remove anyone)." },
  ORGANISATION_OWNER_REQUIRED: { status: 403, description: 'Only an owner may do this: invite, change or remove an owner, or make someone an owner.' },
  INVITATION_FOR_SOMEONE_ELSE: { status: 403, description: "The invitation was sent to another e-mail address than the signed-in person's verified one." },
  EMAIL_NOT_VERIFIED: { status: 403, description: "The signed-in person's e-mail address is not verified yet; verify it, then open the link again." },
  LAST_OWNER: { status: 409, description: 'An organisation always keeps an owner: make someone else an owner first.' },
  ALREADY_MEMBER: { status: 409, description: 'The person is a member of the organisation already.' },
  INVITATION_PENDING: { status: 409, description: 'An invitation to this address is waiting for an answer; resend or revoke it.' },
  TOO_MANY_INVITATIONS: { status: 409, description: 'The organisation has as many invitations waiting as allowed; revoke some first.' },
  TOO_MANY_MEMBERS: { status: 409, description: 'The organisation has as many members as allowed.' },
  INVITATION_EXPIRED: { status: 410, description: 'The invitation link has expired; ask the organisation to send it again.' },
  INVITATION_USED: { status: 410, description: 'The invitation was accepted or declined already; each link works once.' },
  INVITATION_REVOKED: { status: 410, description: 'The invitation was withdrawn, or this link was replaced by a newer invitation e-mail.' },
  INSUFFICIENT_CREDITS: { status: 409, description: 'The wallet holds fewer credits than the change needs; a balance never goes below zero.' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body is larger than the route accepts.' },
  RATE_LIMITED: { status: 429, description: 'The caller made more requests this minute than allowed (100 a minute unless their API key says otherwise); retry after the seconds in `Retry-After`.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The body must be sent as application/json.' },
  INTERNAL_ERROR: { status: 500, description: 'Something failed on the server; retrying later may help.' },
  MAIL_NOT_SENT: { status: 503, description: 'The invitation e-mail could not be sent. A new invitation was withdrawn again; a resent one keeps waiting: resend it.' },
  ORDER_NOT_STARTED: { status: 503, description: 'The order could not be started; nothing was charged. Try again.' },
  DELIVERY_NOT_RECORDED: { status: 503, description: 'The delivery could not be handed to the pipeline; nothing changed. Try again.' },
  DECISION_NOT_RECORDED: { status: 503, description: 'The decision could not be handed to the pipeline; try again.' },
  PAYMENTS_UNAVAILABLE: { status: 503, description: 'The payment provider could not be reached or refused our request; nothing was charged. Try again.' },
} as const satisfies Record<string, { readonly status: number; readonly description: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The body of every error response. */
export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
}

export function statusOf(code: ErrorCode): number {
  return ERRORS[code].status;
}
