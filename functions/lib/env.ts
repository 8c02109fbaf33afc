import { ENV, type EnvKey } from '../../infra/catalogue';

/**
 * Reads a required environment variable once, failing the cold start loudly
 * when it is missing (a deployment bug, never a user error).
 */
export function requireEnv(key: EnvKey): string {
  const name = ENV[key];
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
}
