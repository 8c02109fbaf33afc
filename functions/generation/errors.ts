/**
 * Errors the generation pipeline's steps throw by name: the state machine's
 * Retry and Catch match `error.name` (Lambda reports it as the error type).
 */

/** No provider slot now (60 in flight, or this second's 30 starts used): retried with jitter. */
export class ProviderBusy extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderBusy';
  }
}

/** The provider's queue refused for a while (429, 5xx, the network): retried with backoff. */
export class ProviderUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderUnavailable';
  }
}

/** Not worth another try: the provider refused the request itself. */
export class ProviderRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderRefused';
  }
}

/** A training or batch failed at the provider as often as allowed. */
export class ProviderFailedRepeatedly extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderFailedRepeatedly';
  }
}

/** The identity lock kept no image of the order. */
export class NoImagesKept extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoImagesKept';
  }
}
