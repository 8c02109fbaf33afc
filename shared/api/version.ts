/** Version of the public API, in the OpenAPI document and the health check. */
export const API_VERSION = '1.0.0';
