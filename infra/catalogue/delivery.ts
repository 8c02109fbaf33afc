import { getDownload, getGallery } from '../../shared/api/delivery';
import { API_DEFAULTS, PIPELINE_DEFAULTS } from './defaults';
import { type DomainSpec, serve } from './types';

/** How long an order may wait for its review before it fails and is refunded. */
export const REVIEW_TIMEOUT_SECONDS = 14 * 24 * 3600;

/**
 * A generated order's last stretch: it waits at the review gate (a task
 * token), then its ZIP is built, the approved images are charged and the rest
 * given back, and the customer is e-mailed a link; or it fails, is refunded
 * and the customer is told. The customer's gallery and download are served
 * through signed, expiring links.
 */
export const delivery: DomainSpec = {
  id: 'delivery',
  description: "Delivery: the review gate's wait, the ZIP, the credits of approved images, the customer's e-mails, the gallery and the download",
  functions: [
    {
      ...PIPELINE_DEFAULTS,
      id: 'AwaitReview',
      entry: 'functions/delivery/await-review.handler.ts',
      description: 'Opens the review gate of a generated order: keeps the task token server-side with the number of images to decide',
      grants: { Table: 'readWrite' },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'ExportArchive',
      entry: 'functions/delivery/export-archive.handler.ts',
      description: 'Streams every approved image in every size and format, with metadata.json, into one ZIP in the outputs bucket (built once)',
      memoryMb: 1024,
      timeoutSeconds: 600,
      grants: { Table: 'readWrite', OutputsBucket: 'readWrite' },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'SettleDelivery',
      entry: 'functions/delivery/settle-delivery.handler.ts',
      description: 'Charges the approved images, gives the rest of the credits back (once) and marks the order DELIVERED',
      grants: { Table: 'readWrite' },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'NotifyDelivered',
      entry: 'functions/delivery/notify-delivered.handler.ts',
      description: 'E-mails the customer that their headshots are ready, with the gallery and a signed link to the ZIP (once)',
      grants: { Table: 'readWrite', UserPool: 'readUsers', Mail: 'send', Site: 'link', MediaCdn: 'sign' },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'FailDelivery',
      entry: 'functions/delivery/fail-delivery.handler.ts',
      description: 'Ends an order whose review timed out or whose delivery failed: refunds its credits once, closes the gate and e-mails the customer',
      grants: { Table: 'readWrite', UserPool: 'readUsers', Mail: 'send', Site: 'link' },
    },
    {
      ...API_DEFAULTS,
      id: 'GetGallery',
      entry: 'functions/delivery/get-gallery.handler.ts',
      description: "Answers a delivered order's approved headshots with signed, expiring links to every file",
      grants: { Table: 'read', MediaCdn: 'sign' },
    },
    {
      ...API_DEFAULTS,
      id: 'GetDownload',
      entry: 'functions/delivery/get-download.handler.ts',
      description: "Answers a signed, expiring link to a delivered order's ZIP",
      grants: { Table: 'read', MediaCdn: 'sign' },
    },
  ],
  routes: [serve(getGallery, 'GetGallery'), serve(getDownload, 'GetDownload')],
  stateMachines: [
    {
      id: 'DeliveryPipeline',
      definitionFile: 'statemachines/delivery-pipeline.asl.json',
      functionArns: {
        AwaitReviewFunctionArn: 'AwaitReview',
        ExportArchiveFunctionArn: 'ExportArchive',
        SettleDeliveryFunctionArn: 'SettleDelivery',
        NotifyDeliveredFunctionArn: 'NotifyDelivered',
        FailDeliveryFunctionArn: 'FailDelivery',
      },
      // The review may take two weeks; a day more bounds the rest.
      timeoutSeconds: REVIEW_TIMEOUT_SECONDS + 24 * 3600,
    },
  ],
};
