import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag `AwsSolutions-IAM5` finding: a wildcard resource
 * granted to `grantee` (a role or policy). The finding ID is computed the way
 * cdk-nag flattens the policy document, including the `Fn::ImportValue` CDK
 * writes when `owner` (the bucket, table, … the ARN belongs to) lives in
 * another stack, so an acknowledgement never silently stops matching.
 * Assumes strong cross-stack references (`Fn::ImportValue`), which cdk.json pins
 * with `@aws-cdk/core:defaultCrossStackReferences: strong`.
 *
 * @param grantee the construct that owns the policy (acknowledgements apply to its subtree)
 * @param owner the resource the ARN belongs to
 * @param arn a token for one ARN attribute of `owner` (e.g. `bucket.bucketArn`)
 * @param suffix what the grant appends to the ARN (e.g. `/*`)
 * @param reason why the wildcard is needed, naming the resource
 */
export function acknowledgeWildcardResource(
  grantee: IConstruct,
  owner: IConstruct,
  arn: string,
  suffix: string,
  reason: string,
): void {
  const consumer = Stack.of(grantee);
  const producer = Stack.of(owner);
  // Across stacks the reference becomes an export/import pair; exportValue is
  // idempotent and is exactly what CDK calls when it resolves the reference.
  const expression = producer === consumer ? arn : producer.exportValue(arn);
  const resource = `${flattenCfnReference(consumer.resolve(expression))}${suffix}`;
  Validations.of(grantee).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
}

/** Acknowledges an `AwsSolutions-IAM5` finding for a `*` resource (APIs without resource-level permissions). */
export function acknowledgeStarResource(grantee: IConstruct, reason: string): void {
  Validations.of(grantee).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
}

/**
 * Flattens a resolved CloudFormation expression the way cdk-nag names IAM5
 * findings: `Fn::GetAtt` → `<Logical.Attr>`, `Ref` → `<Logical>`, joins
 * concatenated, imports by export name, `${X}` in `Fn::Sub` → `<X>`.
 */
export function flattenCfnReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (record['Fn::Join']) {
      const [delimiter, items] = record['Fn::Join'] as [string, unknown[]];
      return items.map(flattenCfnReference).join(delimiter);
    }
    if (record['Fn::Sub']) return flattenCfnReference(record['Fn::Sub']);
    if (record['Fn::GetAtt']) {
      const [resource, attribute] = record['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenCfnReference(resource)}.${flattenCfnReference(attribute)}>`;
    }
    if (record['Fn::ImportValue']) return flattenCfnReference(record['Fn::ImportValue']);
    if (record.Ref) return `<${flattenCfnReference(record.Ref)}>`;
  }
  return JSON.stringify(node);
}

/**
 * What cdk-nag asks of every CloudFront distribution here, each with this
 * distribution's own reason: no geo restriction (CFR1), the default
 * certificate's TLS policy (CFR4), and, when the stage sets no web ACL, why
 * none is needed (CFR2).
 */
export function acknowledgeDistribution(distribution: IConstruct, reasons: { readonly geo: string; readonly certificate: string; readonly withoutWaf?: string }): void {
  Validations.of(distribution).acknowledge({ id: 'AwsSolutions-CFR1', reason: reasons.geo });
  Validations.of(distribution).acknowledge({ id: 'AwsSolutions-CFR4', reason: reasons.certificate });
  if (reasons.withoutWaf) Validations.of(distribution).acknowledge({ id: 'AwsSolutions-CFR2', reason: reasons.withoutWaf });
}
