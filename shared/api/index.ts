/**
 * The public API v1: every route's contract, by domain. Import single routes
 * from their domain file where bundle size matters (Lambda handlers); this
 * index serves the route table, the OpenAPI document and the web client.
 */
import * as accounts from './accounts';
import * as admin from './admin';
import * as apikeys from './apikeys';
import * as billing from './billing';
import * as delivery from './delivery';
import type { AnyRoute } from './contract';
import * as generation from './generation';
import * as orders from './orders';
import * as organisations from './organisations';
import * as photos from './photos';
import * as platform from './platform';
import * as review from './review';
import * as studios from './studios';
import * as wallets from './wallets';

export { API_VERSION } from './version';

export const routes = {
  getHealth: platform.getHealth,
  getOpenApi: platform.getOpenApi,
  getMe: accounts.getMe,
  deleteMe: accounts.deleteMe,
  listStudios: studios.listStudios,
  getStudio: studios.getStudio,
  createOrder: orders.createOrder,
  listOrders: orders.listOrders,
  getOrder: orders.getOrder,
  discardOrder: orders.discardOrder,
  createPhotoUpload: photos.createPhotoUpload,
  deletePhoto: photos.deletePhoto,
  submitOrder: photos.submitOrder,
  listOrderQueue: admin.listOrderQueue,
  decideOrder: admin.decideOrder,
  getStudioAdmin: studios.getStudioAdmin,
  createStudio: studios.createStudio,
  updateStudio: studios.updateStudio,
  putStyle: studios.putStyle,
  createStyleImageUpload: studios.createStyleImageUpload,
  completeStyleImage: studios.completeStyleImage,
  deleteStyleImage: studios.deleteStyleImage,
  getWallet: wallets.getWallet,
  listWalletEntries: wallets.listWalletEntries,
  adjustWallet: wallets.adjustWallet,
  listCreditPackages: billing.listCreditPackages,
  createCheckout: billing.createCheckout,
  handleStripeWebhook: billing.handleStripeWebhook,
  createOrganisation: organisations.createOrganisation,
  listOrganisations: organisations.listOrganisations,
  getOrganisation: organisations.getOrganisation,
  createInvitation: organisations.createInvitation,
  listInvitations: organisations.listInvitations,
  revokeInvitation: organisations.revokeInvitation,
  resendInvitation: organisations.resendInvitation,
  previewInvitation: organisations.previewInvitation,
  acceptInvitation: organisations.acceptInvitation,
  declineInvitation: organisations.declineInvitation,
  updateMember: organisations.updateMember,
  removeMember: organisations.removeMember,
  leaveOrganisation: organisations.leaveOrganisation,
  createApiKey: apikeys.createApiKey,
  listApiKeys: apikeys.listApiKeys,
  revokeApiKey: apikeys.revokeApiKey,
  handleFalWebhook: generation.handleFalWebhook,
  getLockStats: generation.getLockStats,
  setLockThreshold: generation.setLockThreshold,
  listOrderImages: review.listOrderImages,
  listReviews: review.listReviews,
  assignReviewer: review.assignReviewer,
  reviewImage: review.reviewImage,
  deliverOrder: review.deliverOrder,
  getGallery: delivery.getGallery,
  getDownload: delivery.getDownload,
} as const;

export const ALL_ROUTES: readonly AnyRoute[] = Object.values(routes) as readonly AnyRoute[];

/** Tags of the OpenAPI document, one per domain, in reading order. */
export const TAGS = [
  { name: 'studios', description: 'The marketplace of photographer-curated studios and their styles; admins curate it.' },
  { name: 'orders', description: 'Customers place orders and follow them.' },
  { name: 'photos', description: 'Selfies uploaded straight to storage, checked as they land, and the submission of an order.' },
  { name: 'generation', description: "A confirmed order's production: the image provider's webhook resumes the training and generation steps waiting for it." },
  { name: 'review', description: "Artists review each generated image (approve or reject) and deliver the order; admins assign the artists." },
  { name: 'delivery', description: 'The customer opens the gallery of approved headshots and downloads them, one by one or all in a ZIP, through signed, expiring links.' },
  { name: 'admin', description: 'Studio editors confirm or reject orders before any image is generated.' },
  { name: 'wallets', description: 'Credit wallets: balances, the history of every change, and admin adjustments.' },
  { name: 'billing', description: 'Credit packages, bought through Stripe Checkout; the webhook that credits the wallet.' },
  { name: 'organisations', description: 'Teams with a shared credit wallet: members and their roles, invitations by e-mail.' },
  { name: 'apikeys', description: 'API keys for automation: shown once, stored hashed, personal or an organisation\'s; accepted in place of a token.' },
  { name: 'accounts', description: 'Who is signed in, and the wallets they may use.' },
  { name: 'platform', description: 'Health and this document.' },
] as const;

export * from './contract';
export * from './errors';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging';
