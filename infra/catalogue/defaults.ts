/** Defaults of API handlers: short, small. */
export const API_DEFAULTS = { capability: 'api', memoryMb: 512, timeoutSeconds: 10 } as const;
/** Defaults of pipeline tasks. */
export const PIPELINE_DEFAULTS = { capability: 'pipeline', memoryMb: 512, timeoutSeconds: 30 } as const;
