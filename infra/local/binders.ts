import { type Access, actionsFor, type FunctionSpec, type ResourceKind, type ResourceRegistry } from '../catalogue';

/** What the local cloud knows about its resources when it binds a grant. */
export interface LocalContext {
  readonly region: string;
  readonly accountId: string;
  /** Prefix of local resource names (`headshot-studio`). */
  readonly prefix: string;
  /** ID of the local user pool, once it exists. */
  readonly userPoolId?: string;
  /** The local web app's origin. */
  readonly siteUrl?: string;
  /** The local API's base URL. */
  readonly apiUrl?: string;
  /** The local media distribution's public URL (infra/local/media/). */
  readonly mediaUrl?: string;
  /** The sign-in tokens the API accepts: cognito-local's issuer and the web client, once the pool exists. */
  readonly tokenIssuer?: { readonly issuer: string; readonly audience: readonly string[] };
}

/** The local stage's sender address: the one identity the local SES has verified. */
export const LOCAL_MAIL_FROM = 'studio@headshots.localhost';

/** A bound resource: the value of its environment variable, and the ARNs a policy names. */
export interface LocalBinding {
  readonly value: string;
  readonly resources: readonly string[];
}

/** The local name of a registry resource: `Table` → the prefix, `UploadsBucket` → `<prefix>-uploads`. */
export function localName(resourceId: string, prefix: string): string {
  const kebab = resourceId
    .replace(/(Bucket|Table|Queue|Topic|Secret)$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
  return kebab ? `${prefix}-${kebab}` : prefix;
}

/**
 * The local twin of `infra/lib/binders.ts`: one binder per kind, giving the
 * environment variable's value and the resource ARNs of the grant, with the
 * same actions (`infra/catalogue/permissions.ts`).
 */
export const LOCAL_BINDERS: { readonly [K in ResourceKind]: (resourceId: string, ctx: LocalContext) => LocalBinding } = {
  table: (id, ctx) => {
    const name = localName(id, ctx.prefix);
    const arn = `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${name}`;
    return { value: name, resources: [arn, `${arn}/index/*`] };
  },
  bucket: (id, ctx) => {
    const name = localName(id, ctx.prefix);
    return { value: name, resources: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`] };
  },
  stateMachine: (id, ctx) => {
    const arn = `arn:aws:states:${ctx.region}:${ctx.accountId}:stateMachine:${id}`;
    return { value: arn, resources: [arn, `arn:aws:states:${ctx.region}:${ctx.accountId}:execution:${id}:*`] };
  },
  queue: (id, ctx) => {
    const name = localName(id, ctx.prefix);
    return { value: `https://sqs.${ctx.region}.amazonaws.com/${ctx.accountId}/${name}`, resources: [`arn:aws:sqs:${ctx.region}:${ctx.accountId}:${name}`] };
  },
  topic: (id, ctx) => {
    const arn = `arn:aws:sns:${ctx.region}:${ctx.accountId}:${localName(id, ctx.prefix)}`;
    return { value: arn, resources: [arn] };
  },
  secret: (id, ctx) => {
    const arn = `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${localName(id, ctx.prefix)}`;
    return { value: arn, resources: [arn] };
  },
  // The local cloud answers with face-api in the function's own process: no service is called.
  faceDetection: () => ({ value: 'face-api', resources: ['*'] }),
  // The local SES knows one verified identity, the local sender (infra/local/mail/ses.ts).
  mail: (_id, ctx) => ({ value: LOCAL_MAIL_FROM, resources: [`arn:aws:ses:${ctx.region}:${ctx.accountId}:identity/${LOCAL_MAIL_FROM}`] }),
  site: (_id, ctx) => ({ value: ctx.siteUrl ?? 'http://127.0.0.1:3000', resources: [] }),
  // The distribution's URL and the secret holding its signing key, which is all a signer may read.
  mediaCdn: (id, ctx) => {
    const secretArn = mediaSigningSecretArn(id, ctx);
    return { value: JSON.stringify({ url: ctx.mediaUrl ?? 'http://127.0.0.1:3002', secretArn }), resources: [secretArn] };
  },
  apiEndpoint: (_id, ctx) => ({ value: ctx.apiUrl ?? 'http://127.0.0.1:3001', resources: [] }),
  // Before the pool exists (tools that only list variables), an issuer that accepts no token.
  tokenIssuer: (_id, ctx) => ({ value: JSON.stringify(ctx.tokenIssuer ?? { issuer: 'http://127.0.0.1/unconfigured', audience: [] }), resources: [] }),
  userPool: (_id, ctx) => {
    if (!ctx.userPoolId) throw new Error('The local user pool does not exist yet.');
    return { value: ctx.userPoolId, resources: [`arn:aws:cognito-idp:${ctx.region}:${ctx.accountId}:userpool/${ctx.userPoolId}`] };
  },
};

/** The local secret holding a media distribution's signing key `{ keyPairId, privateKey }`. */
export function mediaSigningSecretName(resourceId: string, prefix: string): string {
  return `${localName(resourceId, prefix)}-signing-key`;
}

export function mediaSigningSecretArn(resourceId: string, ctx: Pick<LocalContext, 'region' | 'accountId' | 'prefix'>): string {
  return `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${mediaSigningSecretName(resourceId, ctx.prefix)}`;
}

/** A policy statement of a local function: what it may call on which resources. */
export interface LocalStatement {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** The environment and policy of one function, derived from its grants exactly as on AWS. */
export function bindLocally(spec: FunctionSpec, registry: ResourceRegistry, ctx: LocalContext): { env: Record<string, string>; statements: LocalStatement[] } {
  const env: Record<string, string> = {};
  const statements: LocalStatement[] = [];
  for (const [resourceId, access] of Object.entries(spec.grants as Readonly<Record<string, Access>>)) {
    const resource = registry[resourceId];
    if (!resource) throw new Error(`${spec.id} is granted "${resourceId}", which is not in the resource registry.`);
    const binding = LOCAL_BINDERS[resource.kind](resourceId, ctx);
    env[resource.env] = binding.value;
    statements.push({ actions: actionsFor(resource.kind, access as never), resources: binding.resources });
  }
  return { env, statements };
}
