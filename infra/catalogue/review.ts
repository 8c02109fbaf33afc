import { assignReviewer, deliverOrder, listOrderImages, listReviews, reviewImage } from '../../shared/api/review';
import { API_DEFAULTS } from './defaults';
import { type DomainSpec, serve } from './types';

/**
 * The artists' review gate: every image the identity lock kept is approved or
 * rejected by a studio artist (admins assign them, or artists take an order
 * from the queue), then the order is delivered, resuming its delivery pipeline.
 */
export const review: DomainSpec = {
  id: 'review',
  description: "The artists' review gate: assignments, decisions per image and the delivery that resumes the pipeline",
  functions: [
    {
      ...API_DEFAULTS,
      id: 'ListOrderImages',
      entry: 'functions/review/list-order-images.handler.ts',
      description: "Lists an order's generated images with identity score, seed, attempts, list price and review, beside the customer's selfies (signed links)",
      grants: { Table: 'read', OutputsBucket: 'read', UploadsBucket: 'read' },
    },
    {
      ...API_DEFAULTS,
      id: 'ListReviews',
      entry: 'functions/review/list-reviews.handler.ts',
      description: 'Lists the orders waiting for review, oldest first: an artist their own or the unassigned ones, an admin all',
      grants: { Table: 'read' },
    },
    {
      ...API_DEFAULTS,
      id: 'AssignReviewer',
      entry: 'functions/review/assign-reviewer.handler.ts',
      description: 'Assigns an artist to review an order (admins), or lets an artist take an unassigned one',
      grants: { Table: 'readWrite', UserPool: 'readUsers' },
    },
    {
      ...API_DEFAULTS,
      id: 'ReviewImage',
      entry: 'functions/review/review-image.handler.ts',
      description: 'Records an approve or reject decision on one image of an order in review, and counts it',
      grants: { Table: 'readWrite' },
    },
    {
      ...API_DEFAULTS,
      id: 'DeliverOrder',
      entry: 'functions/review/deliver-order.handler.ts',
      description: 'Delivers a reviewed order: takes its task token once and resumes the delivery pipeline',
      grants: { Table: 'readWrite', DeliveryPipeline: ['taskResponse'] },
    },
  ],
  routes: [
    serve(listOrderImages, 'ListOrderImages'),
    serve(listReviews, 'ListReviews'),
    serve(assignReviewer, 'AssignReviewer'),
    serve(reviewImage, 'ReviewImage'),
    serve(deliverOrder, 'DeliverOrder'),
  ],
  stateMachines: [],
};
