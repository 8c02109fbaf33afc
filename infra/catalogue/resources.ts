/**
 * The resource registry: every table, bucket, state machine, queue, topic,
 * secret and user pool a function can be granted, declared once with its kind
 * and the environment variable that carries its name or ARN.
 *
 * A function's catalogue entry grants resources by ID (`grants: { Table:
 * 'read' }`); its environment is derived from those grants. One binder per
 * kind turns a grant into permissions and the variable, in CDK
 * (`infra/lib/binders.ts`) and in the local cloud (`infra/local/binders.ts`).
 */

/** What a function may do with a resource, per kind of resource. */
export interface AccessByKind {
  /** `count`: UpdateItem only, for counters (the per-caller rate limit). */
  readonly table: 'read' | 'readWrite' | 'count';
  readonly bucket: 'read' | 'readWrite';
  readonly stateMachine: readonly StateMachineAction[];
  readonly queue: 'send' | 'consume';
  readonly topic: 'publish';
  readonly secret: 'read';
  readonly userPool: 'readUsers' | 'deleteUsers';
  /** `compare`: the identity lock's CompareFaces (a generated image against the customer's reference). */
  readonly faceDetection: 'detect' | 'compare';
  readonly mail: 'send';
  /** No permission: the function only learns the web app's address, to link to it (e-mails, checkout returns). */
  readonly site: 'link';
  /** No permission: the HTTP API's public base URL, for callbacks other services post to (webhooks). */
  readonly apiEndpoint: 'link';
  /** No permission: the issuer and audiences of the sign-in tokens the API accepts, to verify them (the JWKS is public). */
  readonly tokenIssuer: 'verify';
  /** `sign`: read the signing key's secret, to sign expiring links to delivered images (CloudFront signed URLs). */
  readonly mediaCdn: 'sign';
}
export type ResourceKind = keyof AccessByKind;
export type StateMachineAction = 'start' | 'describe' | 'taskResponse';

/** Who creates a resource: the stateful stack, the auth stack, the site or API stack, or a domain (its state machines). */
export type ResourceOwner = 'stateful' | 'auth' | 'site' | 'api' | { readonly domain: string };

export interface ResourceSpec<K extends ResourceKind = ResourceKind> {
  readonly kind: K;
  /** Environment variable a granted function reads the name (or ARN, URL, ID) from. */
  readonly env: string;
  readonly description: string;
  readonly owner: ResourceOwner;
}

export const RESOURCES = {
  Table: { kind: 'table', env: 'TABLE_NAME', owner: 'stateful', description: 'The single table: orders, plans and every other aggregate' },
  UploadsBucket: { kind: 'bucket', env: 'UPLOADS_BUCKET', owner: 'stateful', description: "Customers' selfies and order manifests" },
  OutputsBucket: { kind: 'bucket', env: 'OUTPUTS_BUCKET', owner: 'stateful', description: 'Generated images and order summaries' },
  StudioMediaBucket: { kind: 'bucket', env: 'STUDIO_MEDIA_BUCKET', owner: 'stateful', description: "Studios' sample and reference images, kept as long as the studio" },
  FaceDetection: {
    kind: 'faceDetection',
    env: 'FACE_ANALYZER',
    owner: 'stateful',
    description: 'Finds faces in uploaded photos: Rekognition DetectFaces on AWS, face-api on the local cloud (the variable names the adapter)',
  },
  Mail: {
    kind: 'mail',
    env: 'MAIL_FROM',
    owner: 'stateful',
    description: "Sends e-mail from the stage's sender address: SES v2 on AWS, the local outbox on the local cloud (the variable is the sender)",
  },
  StripeSecret: {
    kind: 'secret',
    env: 'STRIPE_SECRET_ARN',
    owner: 'stateful',
    description: 'The Stripe account: JSON { "secretKey": "sk_…", "webhookSecret": "whsec_…" }, set by an operator (seeded with the Stripe stand-in\'s keys on the local cloud)',
  },
  Site: {
    kind: 'site',
    env: 'SITE_URL',
    owner: 'site',
    description: "The web app's origin (CloudFront on AWS, the local web server locally), for links in e-mails and checkout returns",
  },
  RateLimitTable: {
    kind: 'table',
    env: 'RATE_LIMIT_TABLE',
    owner: 'api',
    description: "Per-caller request counters of the API's rate limit, one item per caller and minute, gone by TTL (counters only: API functions may UpdateItem it and nothing else)",
  },
  SignInTokens: {
    kind: 'tokenIssuer',
    env: 'TOKEN_ISSUER',
    owner: 'auth',
    description: 'The user pool as a token issuer: JSON { "issuer", "audience" } of the ID and access tokens the API accepts (cognito-local\'s issuer on the local cloud)',
  },
  FalSecret: {
    kind: 'secret',
    env: 'FAL_SECRET_ARN',
    owner: 'stateful',
    description:
      'The image provider account: JSON { "apiKey": "…" } for fal.ai, set by an operator (seeded on the local cloud with the local fal stand-in\'s key, "baseUrl" and "jwksUrl")',
  },
  PublicApi: {
    kind: 'apiEndpoint',
    env: 'API_URL',
    owner: 'api',
    description: "The HTTP API's base URL, where providers post their webhooks (API Gateway on AWS, the local API locally)",
  },
  MediaCdn: {
    kind: 'mediaCdn',
    env: 'MEDIA_CDN',
    owner: 'stateful',
    description:
      'Delivered images and ZIPs, served from the outputs bucket through CloudFront to signed, expiring URLs only (a trusted key group); the variable is JSON { "url", "secretArn" }, the secret { "keyPairId", "privateKey" } (the local cloud serves and checks the same signatures)',
  },
  UserPool: { kind: 'userPool', env: 'USER_POOL_ID', owner: 'auth', description: 'The Cognito user pool; profiles are read from it' },
  OrderPipeline: { kind: 'stateMachine', env: 'ORDER_PIPELINE_ARN', owner: { domain: 'orders' }, description: 'The order pipeline, up to the confirmation gate' },
  GenerationPipeline: {
    kind: 'stateMachine',
    env: 'GENERATION_PIPELINE_ARN',
    owner: { domain: 'generation' },
    description: "A confirmed order's production: the LoRA training, every style × pose batch, the identity lock and processing, up to the review",
  },
  DeliveryPipeline: {
    kind: 'stateMachine',
    env: 'DELIVERY_PIPELINE_ARN',
    owner: { domain: 'delivery' },
    description: "A generated order's last stretch: the artists' review gate, the ZIP, the credits of the approved images, and the customer's e-mail",
  },
} as const satisfies Record<string, ResourceSpec>;

export type ResourceId = keyof typeof RESOURCES;
export type ResourceRegistry = Readonly<Record<string, ResourceSpec>>;

/** Any access of any kind, as a catalogue entry stores it. */
export type Access = AccessByKind[ResourceKind];

/** Grants keyed by resource ID, each checked against the kind of its resource. */
export type Grants = { readonly [K in ResourceId]?: AccessByKind[(typeof RESOURCES)[K]['kind']] };

/** Environment variable name of a registered resource. */
export function envOf(id: ResourceId): string {
  return RESOURCES[id].env;
}
