/** The review console, one chunk for both of its pages: the queue of orders in review, and the review of one order. */
export { ReviewOrderPage } from './ReviewOrderPage';
export { ReviewQueuePage } from './ReviewQueuePage';
