/**
 * The one source of truth for what the platform runs: functions, HTTP routes,
 * state machines, the table and the buckets. The CDK constructs and the local
 * runtime both read this file, so a route or function exists in both places or
 * in neither (the parity test in test/infra proves it on the synthesized template).
 */

/** What a function is for; also the `capability` cost-allocation tag. */
export type Capability = 'api' | 'pipeline';

/** Names of the environment variables the functions read (see functions/lib/env.ts). */
export const ENV = {
  tableName: 'TABLE_NAME',
  uploadsBucket: 'UPLOADS_BUCKET',
  outputsBucket: 'OUTPUTS_BUCKET',
  orderPipelineArn: 'ORDER_PIPELINE_ARN',
} as const;
export type EnvKey = keyof typeof ENV;

export type Access = 'read' | 'readWrite';

/** Stepfunctions permissions a function may need on a state machine. */
export type StateMachineAction = 'start' | 'describe' | 'taskResponse';

export interface FunctionSpec {
  /** Stable PascalCase ID, used as the construct ID and the local function name. */
  readonly id: string;
  /** Handler file, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly capability: Capability;
  /** Memory in MB; 1,769 MB is one full vCPU on Lambda. */
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Environment variables the function reads; values are filled per environment. */
  readonly env: readonly EnvKey[];
  readonly grants: {
    readonly table?: Access;
    readonly uploadsBucket?: Access;
    readonly outputsBucket?: Access;
    readonly orderPipeline?: readonly StateMachineAction[];
  };
}

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path syntax, e.g. `/orders/{orderId}`. */
  readonly path: string;
  /** ID of the function in {@link FUNCTIONS} that serves the route. */
  readonly functionId: string;
  /** Cognito group required to call the route; checked inside the handler chain. */
  readonly group?: 'admins' | 'artists';
}

export interface StateMachineSpec {
  /** Stable PascalCase ID. */
  readonly id: string;
  /** ASL file, relative to the repository root. */
  readonly definitionFile: string;
  /** `${Placeholder}` in the ASL → ID of the function whose ARN replaces it. */
  readonly functionArns: Readonly<Record<string, string>>;
  /** Upper bound for one execution; the confirmation gate dominates it. */
  readonly timeoutSeconds: number;
}

const API_DEFAULTS = { capability: 'api', memoryMb: 512, timeoutSeconds: 10 } as const;
const PIPELINE_DEFAULTS = { capability: 'pipeline', memoryMb: 512, timeoutSeconds: 30 } as const;

export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    ...API_DEFAULTS,
    id: 'GetMe',
    entry: 'functions/api/get-me.ts',
    description: 'Returns the signed-in person and their groups',
    env: [],
    grants: {},
  },
  {
    ...API_DEFAULTS,
    id: 'CreateOrder',
    entry: 'functions/api/create-order.ts',
    description: 'Validates a new order, stores it and its request manifest, and starts the order pipeline',
    env: ['tableName', 'uploadsBucket', 'orderPipelineArn'],
    grants: { table: 'readWrite', uploadsBucket: 'readWrite', orderPipeline: ['start'] },
  },
  {
    ...API_DEFAULTS,
    id: 'ListOrders',
    entry: 'functions/api/list-orders.ts',
    description: "Lists the signed-in customer's orders, newest first",
    env: ['tableName'],
    grants: { table: 'read' },
  },
  {
    ...API_DEFAULTS,
    id: 'GetOrder',
    entry: 'functions/api/get-order.ts',
    description: 'Returns one order with its timeline, style plans and pipeline execution status',
    env: ['tableName', 'orderPipelineArn'],
    grants: { table: 'read', orderPipeline: ['describe'] },
  },
  {
    ...API_DEFAULTS,
    id: 'ListOrderQueue',
    entry: 'functions/api/list-order-queue.ts',
    description: 'Lists orders in one status for the admin console (default: waiting for confirmation)',
    env: ['tableName'],
    grants: { table: 'read' },
  },
  {
    ...API_DEFAULTS,
    id: 'DecideOrder',
    entry: 'functions/api/decide-order.ts',
    description: 'Admin confirms or rejects an order, resuming its pipeline through the task token',
    env: ['tableName', 'orderPipelineArn'],
    grants: { table: 'readWrite', orderPipeline: ['taskResponse'] },
  },
  {
    ...PIPELINE_DEFAULTS,
    id: 'PlanStyle',
    entry: 'functions/pipeline/plan-style.ts',
    description: 'Plans the images and generation batches for one style of an order',
    env: ['tableName'],
    grants: { table: 'readWrite' },
  },
  {
    ...PIPELINE_DEFAULTS,
    id: 'AwaitConfirmation',
    entry: 'functions/pipeline/await-confirmation.ts',
    description: 'Parks an order at the admin confirmation gate, storing its task token',
    env: ['tableName'],
    grants: { table: 'readWrite' },
  },
  {
    ...PIPELINE_DEFAULTS,
    id: 'CompleteOrder',
    entry: 'functions/pipeline/complete-order.ts',
    description: 'Records the confirmed order and writes its summary to the outputs bucket',
    env: ['tableName', 'outputsBucket'],
    grants: { table: 'readWrite', outputsBucket: 'readWrite' },
  },
  {
    ...PIPELINE_DEFAULTS,
    id: 'FailOrder',
    entry: 'functions/pipeline/fail-order.ts',
    description: 'Marks an order rejected, expired or failed, with a reason the customer can read',
    env: ['tableName'],
    grants: { table: 'readWrite' },
  },
];

export const ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/me', functionId: 'GetMe' },
  { method: 'POST', path: '/orders', functionId: 'CreateOrder' },
  { method: 'GET', path: '/orders', functionId: 'ListOrders' },
  { method: 'GET', path: '/orders/{orderId}', functionId: 'GetOrder' },
  { method: 'GET', path: '/admin/orders', functionId: 'ListOrderQueue', group: 'admins' },
  { method: 'POST', path: '/admin/orders/{orderId}/decision', functionId: 'DecideOrder', group: 'admins' },
];

export const STATE_MACHINES: readonly StateMachineSpec[] = [
  {
    id: 'OrderPipeline',
    definitionFile: 'statemachines/order-pipeline.asl.json',
    functionArns: {
      PlanStyleFunctionArn: 'PlanStyle',
      AwaitConfirmationFunctionArn: 'AwaitConfirmation',
      CompleteOrderFunctionArn: 'CompleteOrder',
      FailOrderFunctionArn: 'FailOrder',
    },
    timeoutSeconds: 8 * 24 * 3600,
  },
];

/** The single-table design: one table, two global secondary indexes. */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

/** Cognito groups created in the user pool. */
export const GROUPS = [
  { name: 'admins', description: 'Confirm orders, manage studios, see every order' },
  { name: 'artists', description: 'Review, retouch and approve generated images' },
] as const;

/** `${Name}` placeholders of an ASL document (the syntax of CloudFormation DefinitionSubstitutions). */
export function placeholdersOf(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]))].sort();
}

/**
 * Fails unless the placeholders of a state machine's ASL are exactly the
 * substitutions its catalogue entry declares. CDK and the local cloud both
 * check this before they run a definition.
 */
export function assertSubstitutions(spec: StateMachineSpec, definition: string): void {
  const placeholders = placeholdersOf(definition);
  const substituted = Object.keys(spec.functionArns).sort();
  if (placeholders.join() !== substituted.join()) {
    throw new Error(
      `${spec.id}: placeholders in ${spec.definitionFile} (${placeholders.join(', ')}) differ from the catalogue's functionArns (${substituted.join(', ')}).`,
    );
  }
}

export function functionById(id: string): FunctionSpec {
  const spec = FUNCTIONS.find((f) => f.id === id);
  if (!spec) throw new Error(`No function "${id}" in the catalogue`);
  return spec;
}

/** `GET /orders/{orderId}` — the route key format API Gateway HTTP APIs use. */
export function routeKey(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
