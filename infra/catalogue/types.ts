import type { AnyRoute } from '../../shared/api/contract';
import type { Access, Grants } from './resources';

/** What a function is for; also the `capability` cost-allocation tag. */
export type Capability = 'api' | 'pipeline';

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
}

/** Serves a route contract with a function of the same domain. */
export function serve(contract: AnyRoute, functionId: string): RouteSpec {
  return { method: contract.method, path: contract.path, auth: contract.auth, functionId, contract };
}
