import type { AnyRoute } from '../../shared/api/contract';
import type { Access, Grants } from './resources';

/** What a function is for; also the `capability` cost-allocation tag. */
export type Capability = 'api' | 'pipeline' | 'event';

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
  /**
   * Resources the function may use, by registry ID. Each grant also sets the
   * resource's environment variable; nothing else does.
   */
  readonly grants: Grants | Readonly<Record<string, Access>>;
  /**
   * Packages with native or WASM parts, shipped beside the bundle instead of
   * in it: CDK copies their linux-arm64 install (`infra/native`, made by
   * `npm run native`) into the function's asset.
   */
  readonly nativeModules?: readonly string[];
  /** Packages only the local cloud loads (behind a dynamic import): left out of the Lambda bundle. */
  readonly localOnlyModules?: readonly string[];
}

export interface RouteSpec {
  readonly method: AnyRoute['method'];
  /** API Gateway path syntax, e.g. `/v1/orders/{orderId}`. */
  readonly path: string;
  /** Who may call it; `none` routes skip the JWT authorizer. */
  readonly auth: AnyRoute['auth'];
  /** ID of the function that serves the route. */
  readonly functionId: string;
  /** The contract: schemas, response, errors. */
  readonly contract: AnyRoute;
}

export interface StateMachineSpec {
  /** Stable PascalCase ID; also its ID in the resource registry. */
  readonly id: string;
  /** ASL file, relative to the repository root. */
  readonly definitionFile: string;
  /** `${Placeholder}` in the ASL → ID of the function whose ARN replaces it. */
  readonly functionArns: Readonly<Record<string, string>>;
  /** Upper bound for one execution. */
  readonly timeoutSeconds: number;
}

/**
 * A function invoked for every object created under a prefix of a bucket, with
 * S3's EventBridge "Object Created" event (see `functions/lib/object-events.ts`).
 * On AWS the bucket sends its events to EventBridge and a rule in the domain's
 * stack targets the function (a bucket notification would make the stateful
 * stack depend on the domain's); locally the S3 front delivers the same event.
 * Delivery is asynchronous, as Lambda's: the function is retried on error.
 */
export interface ObjectEventSpec {
  /** Registry ID of the bucket, e.g. `UploadsBucket`. */
  readonly bucket: string;
  /** Only keys starting with this prefix, e.g. `originals/`. */
  readonly prefix: string;
  /** ID of the function of the same domain that handles the event. */
  readonly functionId: string;
}

/**
 * A function run on a fixed rate: an EventBridge schedule rule on AWS, a timer
 * on the local cloud; both hand it EventBridge's "Scheduled Event".
 */
export interface ScheduleSpec {
  /** ID of the function of the same domain that runs. */
  readonly functionId: string;
  /** Minutes between runs. */
  readonly everyMinutes: number;
}

/**
 * One domain of the product: its functions, the routes they serve and its
 * workflows. Each becomes one construct in its own stack on AWS.
 */
export interface DomainSpec {
  /** Lower-case folder name under `functions/`, e.g. `orders`. */
  readonly id: string;
  readonly description: string;
  readonly functions: readonly FunctionSpec[];
  readonly routes: readonly RouteSpec[];
  readonly stateMachines: readonly StateMachineSpec[];
  /** Functions run for objects created in a bucket. */
  readonly objectEvents?: readonly ObjectEventSpec[];
  /** Functions run on a fixed rate. */
  readonly schedules?: readonly ScheduleSpec[];
}

/** Serves a route contract with a function of the same domain. */
export function serve(contract: AnyRoute, functionId: string): RouteSpec {
  return { method: contract.method, path: contract.path, auth: contract.auth, functionId, contract };
}
