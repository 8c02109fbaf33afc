import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * The secrets of the local Secrets Manager and the operations on them, with
 * Secrets Manager's answers and errors (API reference, 2017-10-17): secrets
 * found by name, full ARN or partial ARN (without the six random characters),
 * versions with the staging labels AWSCURRENT and AWSPREVIOUS, and
 * ClientRequestToken idempotency. Kept in memory: the local cloud seeds its
 * secrets on every start.
 */

export const CURRENT = 'AWSCURRENT';
export const PREVIOUS = 'AWSPREVIOUS';

interface Version {
  readonly id: string;
  readonly secretString?: string;
  readonly secretBinary?: string;
  readonly created: number;
  stages: string[];
}

interface Secret {
  readonly arn: string;
  readonly name: string;
  description?: string;
  readonly created: number;
  lastChanged: number;
  lastAccessed?: number;
  readonly versions: Version[];
}

/** An error Secrets Manager answers: its `__type` and message (HTTP 400 unless said otherwise). */
export class SecretsManagerError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

const notFound = (what = 'secret') => new SecretsManagerError('ResourceNotFoundException', `Secrets Manager can't find the specified ${what}.`);

/** A secret to create: its name, and optionally the ARN it must have (the local binders name it without a suffix). */
export interface SecretSeed {
  readonly name: string;
  readonly arn?: string;
  readonly description?: string;
  readonly secretString: string;
}

type Json = Record<string, unknown>;

export class SecretStore {
  private readonly secrets = new Map<string, Secret>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Creates a secret, or gives an existing one a new current value when it differs (a seed on start). */
  seed(seed: SecretSeed): string {
    const existing = this.find(seed.name);
    if (!existing) return this.create(seed.name, { SecretString: seed.secretString, Description: seed.description }, seed.arn).ARN as string;
    if (this.current(existing).secretString !== seed.secretString) this.putValue(existing, { SecretString: seed.secretString });
    return existing.arn;
  }

  /** The ARN of a secret by any of its IDs, or undefined. */
  arnOf(secretId: string): string | undefined {
    return this.find(secretId)?.arn;
  }

  /** Runs one operation (`X-Amz-Target: secretsmanager.<Operation>`) on its JSON input. */
  handle(operation: string, input: Json): Json {
    switch (operation) {
      case 'GetSecretValue':
        return this.getSecretValue(input);
      case 'DescribeSecret':
        return this.describeSecret(input);
      case 'PutSecretValue': {
        const secret = this.required(input);
        return this.putValue(secret, input);
      }
      case 'CreateSecret':
        return this.create(requiredString(input, 'Name'), input);
      default:
        throw new SecretsManagerError(
          'UnknownOperationException',
          `The local Secrets Manager does not implement ${operation || 'this operation'} (only GetSecretValue, DescribeSecret, PutSecretValue and CreateSecret).`,
        );
    }
  }

  private getSecretValue(input: Json): Json {
    const secret = this.required(input);
    const versionId = optionalString(input, 'VersionId');
    const stage = optionalString(input, 'VersionStage');
    let version: Version | undefined;
    if (versionId !== undefined) {
      version = secret.versions.find((v) => v.id === versionId);
      if (!version || (stage !== undefined && !version.stages.includes(stage))) throw notFound(`secret value for VersionId: ${versionId}`);
    } else {
      const label = stage ?? CURRENT;
      version = secret.versions.find((v) => v.stages.includes(label));
      if (!version) throw notFound(`secret value for staging label: ${label}`);
    }
    secret.lastAccessed = startOfDay(this.now());
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      ...(version.secretString !== undefined && { SecretString: version.secretString }),
      ...(version.secretBinary !== undefined && { SecretBinary: version.secretBinary }),
      VersionStages: [...version.stages],
      CreatedDate: seconds(version.created),
    };
  }

  private describeSecret(input: Json): Json {
    const secret = this.required(input);
    return {
      ARN: secret.arn,
      Name: secret.name,
      ...(secret.description !== undefined && { Description: secret.description }),
      LastChangedDate: seconds(secret.lastChanged),
      ...(secret.lastAccessed !== undefined && { LastAccessedDate: seconds(secret.lastAccessed) }),
      CreatedDate: seconds(secret.created),
      VersionIdsToStages: Object.fromEntries(secret.versions.filter((v) => v.stages.length).map((v) => [v.id, [...v.stages]])),
    };
  }

  private create(name: string, input: Json, arn?: string): Json {
    if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) {
      throw new SecretsManagerError('InvalidParameterException', 'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!');
    }
    if (this.find(name)) throw new SecretsManagerError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    const at = this.now();
    const secret: Secret = {
      arn: arn ?? `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${randomSuffix()}`,
      name,
      description: optionalString(input, 'Description'),
      created: at,
      lastChanged: at,
      versions: [],
    };
    this.secrets.set(secret.arn, secret);
    const hasValue = input.SecretString !== undefined || input.SecretBinary !== undefined;
    const version = hasValue ? this.addVersion(secret, input) : undefined;
    return { ARN: secret.arn, Name: secret.name, ...(version && { VersionId: version.id }) };
  }

  private putValue(secret: Secret, input: Json): Json {
    const version = this.addVersion(secret, input);
    return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] };
  }

  /** A new version, AWSCURRENT unless other labels are asked for; the last current one becomes AWSPREVIOUS. */
  private addVersion(secret: Secret, input: Json): Version {
    const secretString = optionalString(input, 'SecretString');
    const secretBinary = optionalString(input, 'SecretBinary');
    if ((secretString === undefined) === (secretBinary === undefined)) {
      throw new SecretsManagerError('InvalidParameterException', 'You must provide either SecretString or SecretBinary, but not both.');
    }
    if ((secretString ?? secretBinary)!.length > 65_536) throw new SecretsManagerError('InvalidParameterException', 'The secret value exceeds the 65,536 byte limit.');
    const token = optionalString(input, 'ClientRequestToken');
    const fingerprint = (v: Pick<Version, 'secretString' | 'secretBinary'>) => createHash('sha256').update(`${v.secretString ?? ''}\0${v.secretBinary ?? ''}`).digest('hex');
    if (token !== undefined) {
      const same = secret.versions.find((v) => v.id === token);
      if (same) {
        // The same token again: the same request is answered as before; other content is refused.
        if (fingerprint(same) === fingerprint({ secretString, secretBinary })) return same;
        throw new SecretsManagerError('ResourceExistsException', `You can't modify an existing version, you can only create a new version. VersionId: ${token}`);
      }
    }
    const stages = Array.isArray(input.VersionStages) ? input.VersionStages.map(String) : [CURRENT];
    const at = this.now();
    if (stages.includes(CURRENT)) {
      for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== PREVIOUS);
      const current = secret.versions.find((v) => v.stages.includes(CURRENT));
      if (current) current.stages = [...current.stages.filter((s) => s !== CURRENT), PREVIOUS];
    }
    for (const v of secret.versions) v.stages = v.stages.filter((s) => s === CURRENT || s === PREVIOUS || !stages.includes(s));
    const version: Version = { id: token ?? randomUUID(), secretString, secretBinary, created: at, stages };
    secret.versions.push(version);
    secret.lastChanged = at;
    return version;
  }

  private current(secret: Secret): Version {
    return secret.versions.find((v) => v.stages.includes(CURRENT)) ?? { id: '', created: 0, stages: [] };
  }

  private required(input: Json): Secret {
    const secret = this.find(requiredString(input, 'SecretId'));
    if (!secret) throw notFound();
    return secret;
  }

  /** By name, by full ARN, or by partial ARN (the ARN without its `-xxxxxx` suffix). */
  private find(secretId: string): Secret | undefined {
    const byArn = this.secrets.get(secretId);
    if (byArn) return byArn;
    for (const secret of this.secrets.values()) {
      if (secret.name === secretId) return secret;
      if (secretId.startsWith('arn:') && secret.arn.replace(/-[A-Za-z0-9]{6}$/, '') === secretId) return secret;
    }
    return undefined;
  }
}

function requiredString(input: Json, name: string): string {
  const value = input[name];
  if (value === undefined || value === null) {
    const member = name.charAt(0).toLowerCase() + name.slice(1);
    throw new SecretsManagerError('ValidationException', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) {
    throw new SecretsManagerError('InvalidParameterException', `Invalid ${name}: it must be a string of 1 to 2048 characters.`);
  }
  return value;
}

function optionalString(input: Json, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SecretsManagerError('SerializationException', `${name} must be a string.`);
  return value;
}

/** JSON 1.1 timestamps are epoch seconds. */
const seconds = (ms: number) => ms / 1000;
/** Secrets Manager rounds LastAccessedDate to the day. */
const startOfDay = (ms: number) => ms - (ms % 86_400_000);

/** The six characters Secrets Manager appends to a secret's name in its ARN. */
function randomSuffix(): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(6)].map((b) => letters[b % letters.length]).join('');
}
