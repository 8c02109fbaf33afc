/** Defaults of API handlers: short, small. */
export const API_DEFAULTS = { capability: 'api', memoryMb: 512, timeoutSeconds: 10 } as const;
/** Defaults of functions run by events (S3 object events). */
export const EVENT_DEFAULTS = { capability: 'event', memoryMb: 1024, timeoutSeconds: 60 } as const;
/** Defaults of pipeline tasks. */
export const PIPELINE_DEFAULTS = { capability: 'pipeline', memoryMb: 512, timeoutSeconds: 30 } as const;
