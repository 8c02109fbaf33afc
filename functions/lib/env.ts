import { RESOURCES, type ResourceId } from '#catalogue/resources';

/**
 * Reads the name (or ARN, ID) of a granted resource from its environment
 * variable once, failing the cold start loudly when it is missing: a grant
 * missing from the catalogue is a deployment bug, never a user error.
 */
export function requireEnv(resource: ResourceId): string {
  const name = RESOURCES[resource].env;
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
}
