import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { allStacks } from '../../infra/lib/app';
import { testApp } from './support';


interface ValidationReport {
  pluginReports: { pluginName?: string; summary?: { status?: string }; violations?: unknown[]; conclusion?: unknown }[];
}

function acknowledgementsUnder(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  it('pass for the dev stage with no unacknowledged finding', async () => {
    // Prepare
    const { app } = await testApp({ stage: 'dev' });
    // Act: synthesis throws with the report when any finding is not acknowledged
    const assembly = app.synth();
    // Assess
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  it('pass for the prod stage (Plus plan, retained data) with no unacknowledged finding', async () => {
    const { app } = await testApp({ stage: 'prod', alarmEmail: 'ops@example.com' });
    expect(() => app.synth()).not.toThrow();
  });

  it('fail synthesis when a resource breaks a rule', async () => {
    // Prepare: a bucket without access logs, TLS-only policy or public access block
    const { app, stacks } = await testApp({ stage: 'dev' });
    new s3.Bucket(stacks.domains.get('orders')!, 'CarelessBucket');
    // Act / Assess
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });

  it('are acknowledged only finding by finding, each with a reason', async () => {
    const { app } = await testApp({ stage: 'dev' });
    const acknowledgements = acknowledgementsUnder(app);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const ack of acknowledgements) {
      expect({ ...ack, specific: /^AwsSolutions-[A-Z]+\d+(\[.+\])?$/.test(ack.id) }).toEqual({ ...ack, specific: true });
      expect({ ...ack, long: ack.reason.length >= 40 }).toEqual({ ...ack, long: true });
      // IAM5 must name the wildcard it accepts, never the whole rule.
      if (ack.id.startsWith('AwsSolutions-IAM5')) expect(ack.id).toMatch(/\[(Action|Resource)::.+\]$/);
    }
  });

  it('acknowledge nothing at app or stack level', async () => {
    const { app, stacks } = await testApp({ stage: 'dev' });
    const broad = acknowledgementsUnder(app).filter((ack) => [app.node.path, ...allStacks(stacks).map((s) => s.node.path)].includes(ack.path));
    expect(broad).toEqual([]);
  });
});
