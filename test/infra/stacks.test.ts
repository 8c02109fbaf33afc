import { Match, Template } from 'aws-cdk-lib/assertions';
import { Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda';
import { DOMAINS, FUNCTIONS, placeholdersOf, RESOURCES, ROUTES, routeKey, SCHEDULES, STATE_MACHINES, TABLE } from '../../infra/catalogue';
import { allStacks, type StudioStacks } from '../../infra/lib/app';
import { testApp } from './support';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized CloudFormation JSON is untyped
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Tag = { Key: string; Value: string };


const tagsOf = (r: Resource): Tag[] => (r.Properties.Tags as Tag[] | undefined) ?? [];
const tag = (r: Resource, key: string) => tagsOf(r).find((t) => t.Key === key)?.Value;

describe('studio stacks', () => {
  let stacks: StudioStacks;
  let stateful: Template;
  let auth: Template;
  /** Assertions over the stateless stacks (site, API, domains, monitoring) taken together. */
  let service: { hasResourceProperties(type: string, props: unknown): void; resourceCountIs(type: string, count: number): void };
  /** Every resource of the stateless stacks by logical ID (IDs are unique across them; checked). */
  let serviceResources: Record<string, Resource>;
  let statelessTemplates: Template[];

  const ofType = (resources: Record<string, Resource>, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const catalogueFunctions = () =>
    ofType(serviceResources, 'AWS::Lambda::Function').filter(([, r]) => tag(r, 'function') !== undefined) as [string, Resource][];
  const functionResource = (id: string): Resource => {
    const found = catalogueFunctions().find(([, r]) => tag(r, 'function') === id);
    if (!found) throw new Error(`no function tagged ${id}`);
    return found[1];
  };

  beforeAll(async () => {
    // Prepare
    ({ stacks } = await testApp({ stage: 'test', removalPolicy: 'retain' }));
    // Act
    stateful = Template.fromStack(stacks.stateful);
    auth = Template.fromStack(stacks.auth);
    statelessTemplates = [stacks.site, stacks.api, ...stacks.domains.values(), stacks.operations].map((stack) => Template.fromStack(stack));
    serviceResources = {};
    for (const template of statelessTemplates) {
      for (const [logicalId, resource] of Object.entries(template.toJSON().Resources as Record<string, Resource>)) {
        if (serviceResources[logicalId]) throw new Error(`Logical ID ${logicalId} appears in two stacks`);
        serviceResources[logicalId] = resource;
      }
    }
    service = {
      hasResourceProperties: (type, props) => {
        const failures: unknown[] = [];
        for (const template of statelessTemplates) {
          try {
            template.hasResourceProperties(type, props);
            return;
          } catch (error) {
            failures.push(error);
          }
        }
        throw failures[0];
      },
      resourceCountIs: (type, count) => expect(ofType(serviceResources, type)).toHaveLength(count),
    };
  });

  it('keeps every stack far below CloudFormation\'s 500 resources (350 at most)', () => {
    // Prepare
    const counts = allStacks(stacks).map((stack) => ({ stack: stack.stackName, resources: Object.keys(Template.fromStack(stack).toJSON().Resources).length }));

    // Assess: a failure names the stack and its count.
    expect(counts.every((count) => count.resources > 0)).toBe(true);
    expect(counts.filter((count) => count.resources > 350)).toEqual([]);
  });

  describe('Stateful stack: table', () => {
    it('keeps the logical ID of the table stable', () => {
      // Assess: a changed logical ID would replace the table and lose every order.
      expect(Object.keys(stateful.findResources('AWS::DynamoDB::Table'))).toEqual(['Table7ABB320E']);
    });

    it('keeps the logical IDs of the photo buckets stable', () => {
      const buckets = Object.keys(stateful.findResources('AWS::S3::Bucket'));
      expect(buckets).toEqual(expect.arrayContaining(['MediaUploadsBC3C20BB', 'MediaOutputsB94185D7']));
    });

    it('has point-in-time recovery, encryption, on-demand billing and deletion protection', () => {
      stateful.hasResourceProperties('AWS::DynamoDB::Table', {
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
      });
    });

    it('is retained when the stack is deleted (stage removalPolicy retain)', () => {
      stateful.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });

    it('has the catalogue key schema and TTL attribute', () => {
      stateful.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true },
      });
    });

    it('has every catalogue GSI, projecting all attributes', () => {
      stateful.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: TABLE.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      });
    });
  });

  describe('buckets of every stack', () => {
    const allBuckets = () =>
      [stateful, ...statelessTemplates].flatMap((t) =>
        Object.entries(t.findResources('AWS::S3::Bucket')).map(([id, r]) => ({ id, r: r as Resource, template: t })),
      );

    it('block all public access', () => {
      for (const { id, r } of allBuckets()) {
        expect({ id, block: r.Properties.PublicAccessBlockConfiguration }).toEqual({
          id,
          block: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        });
      }
    });

    it('encrypt at rest', () => {
      for (const { id, r } of allBuckets()) {
        expect({ id, sse: r.Properties.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm }).toEqual({
          id,
          sse: expect.stringMatching(/^(AES256|aws:kms)$/),
        });
      }
    });

    it('deny requests without TLS in their bucket policy', () => {
      for (const { id, template } of allBuckets()) {
        const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')) as Resource[];
        const policy = policies.find((p) => p.Properties.Bucket?.Ref === id);
        expect({ id, statements: policy?.Properties.PolicyDocument.Statement }).toEqual({
          id,
          statements: expect.arrayContaining([
            expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        });
      }
    });

    it('expire uploaded selfies only after the longest an order can live, and abort incomplete uploads after 1 day', () => {
      const longestOrderDays = Math.max(...STATE_MACHINES.map((m) => m.timeoutSeconds)) / 86_400;
      const uploads = Object.values(stateful.findResources('AWS::S3::Bucket')).find((b) =>
        JSON.stringify(b.Properties.LifecycleConfiguration ?? {}).includes('expire-selfies'),
      )!;
      const expiry = (uploads.Properties.LifecycleConfiguration.Rules as { ExpirationInDays?: number }[]).find((r) => r.ExpirationInDays)!.ExpirationInDays!;
      expect(expiry).toBeGreaterThan(longestOrderDays);
      expect(expiry).toBeLessThanOrEqual(longestOrderDays + 8);
      stateful.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ ExpirationInDays: expiry, Status: 'Enabled' }),
            Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
          ]),
        },
      });
    });

    it('let browsers POST uploads from the web site\'s origin only, set once the site exists', () => {
      // The stateful stack cannot know the CloudFront origin: no CORS rule there …
      for (const bucket of Object.values(stateful.findResources('AWS::S3::Bucket'))) expect(bucket.Properties.CorsConfiguration).toBeUndefined();
      // … the API stack writes it with PutBucketCors, naming the site's distribution.
      const [[, cors]] = ofType(serviceResources, 'Custom::AWS');
      const create = JSON.stringify(cors.Properties.Create);
      expect(create).toContain('putBucketCors');
      expect(create).toContain('SiteDistribution');
      expect(create).toContain('"AllowedMethods\\":[\\"POST\\"]');
      expect(create).not.toMatch(/AllowedOrigins[^\]]*\*/);
      expect(JSON.stringify(cors.Properties.Delete)).toContain('deleteBucketCors');
    });

    it('expire generated images after 30 days', () => {
      stateful.hasResourceProperties('AWS::S3::Bucket', {
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 1 } })]) },
      });
    });

    it('log server access of the photo buckets', () => {
      const uploads = stateful.toJSON().Resources.MediaUploadsBC3C20BB as Resource;
      const outputs = stateful.toJSON().Resources.MediaOutputsB94185D7 as Resource;
      expect(uploads.Properties.LoggingConfiguration.DestinationBucketName).toBeDefined();
      expect(outputs.Properties.LoggingConfiguration.DestinationBucketName).toBeDefined();
    });
  });

  describe('Auth stack', () => {
    it('creates the catalogue groups', () => {
      auth.resourceCountIs('AWS::Cognito::UserPoolGroup', 2);
      auth.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'admins' });
      auth.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'artists' });
    });

    it('lets people sign up with their e-mail under a strong password policy', () => {
      auth.hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
        UsernameAttributes: ['email'],
        Policies: { PasswordPolicy: { MinimumLength: Match.anyValue(), RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
        MfaConfiguration: 'OPTIONAL',
      });
    });

    it('gives the web app a secretless client with USER_PASSWORD_AUTH and refresh tokens', () => {
      auth.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        ExplicitAuthFlows: Match.arrayEquals(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      });
    });
  });

  describe('functions', () => {
    const latestNode = Runtime.ALL.filter((r) => r.family === RuntimeFamily.NODEJS)
      .map((r) => r.name)
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
      .pop();

    it('runs ValidatePhoto for each object created under originals/ in the uploads bucket, through EventBridge', () => {
      stateful.hasResourceProperties('Custom::S3BucketNotifications', { NotificationConfiguration: { EventBridgeConfiguration: {} } });
      const rules = ofType(serviceResources, 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern);
      expect(rules).toHaveLength(1);
      const [, rule] = rules[0]!;
      expect(rule.Properties.EventPattern).toMatchObject({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { object: { key: [{ prefix: 'originals/' }] } },
      });
      expect(JSON.stringify(rule.Properties.EventPattern.detail.bucket.name)).toMatch(/Uploads/);
      const [target] = rule.Properties.Targets as { Arn: unknown; RetryPolicy: { MaximumRetryAttempts: number } }[];
      expect(JSON.stringify(target!.Arn)).toContain('ValidatePhoto');
      expect(target!.RetryPolicy.MaximumRetryAttempts).toBe(2);
    });

    it('runs each scheduled function on its rate, with EventBridge retries', () => {
      const scheduled = ofType(serviceResources, 'AWS::Events::Rule').filter(([, r]) => r.Properties.ScheduleExpression);
      // CDK writes whole hours as hours.
      const rate = (minutes: number) => (minutes % 60 === 0 ? `rate(${minutes / 60} hour${minutes === 60 ? '' : 's'})` : `rate(${minutes} minute${minutes === 1 ? '' : 's'})`);
      expect(scheduled.map(([, r]) => r.Properties.ScheduleExpression)).toEqual(SCHEDULES.map((s) => rate(s.everyMinutes)));
      for (const [[, rule], schedule] of scheduled.map((entry, i) => [entry, SCHEDULES[i]!] as const)) {
        expect(JSON.stringify(rule.Properties.Targets)).toContain(schedule.functionId);
        expect(rule.Properties.Targets[0].RetryPolicy.MaximumRetryAttempts).toBe(2);
      }
      expect(SCHEDULES).toContainEqual({ functionId: 'SweepReservations', everyMinutes: 60 });
    });

    it('grants rekognition:DetectFaces to ValidatePhoto and rekognition:CompareFaces to CollectBatch, and Rekognition to no one else', () => {
      const policies = ofType(serviceResources, 'AWS::IAM::Policy').filter(([, p]) =>
        JSON.stringify(p.Properties.PolicyDocument).includes('rekognition:'),
      );
      const rekognitionActions = (policy: (typeof policies)[number]) =>
        // CDK merges it with X-Ray's statement, the other action on "*".
        (policy[1].Properties.PolicyDocument.Statement as { Action: unknown }[])
          .flatMap((st) => [st.Action].flat() as string[])
          .filter((action) => action.startsWith('rekognition:'));
      const byRole = Object.fromEntries(policies.map((policy) => [JSON.stringify(policy[1].Properties.Roles).match(/Domain(\w+?)Role/)![1], rekognitionActions(policy)]));
      expect(byRole).toEqual({ ValidatePhoto: ['rekognition:DetectFaces'], CollectBatch: ['rekognition:CompareFaces'] });
      for (const id of ['ValidatePhoto', 'CollectBatch']) expect(functionResource(id).Properties.Environment.Variables.FACE_ANALYZER).toBe('rekognition');
    });

    it('deploys exactly one function per catalogue entry', () => {
      expect(catalogueFunctions().map(([, r]) => tag(r, 'function')).sort()).toEqual(FUNCTIONS.map((f) => f.id).sort());
    });

    it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s runs on arm64 with the newest Node.js runtime', (id) => {
      const fn = functionResource(id);
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Runtime).toBe(latestNode);
    });

    it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s has the memory and timeout of the catalogue', (id, spec) => {
      const fn = functionResource(id);
      expect({ memory: fn.Properties.MemorySize, timeout: fn.Properties.Timeout }).toEqual({ memory: spec.memoryMb, timeout: spec.timeoutSeconds });
    });

    it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s traces with X-Ray and logs to its own log group with retention', (id) => {
      const fn = functionResource(id);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      const logGroupId = fn.Properties.LoggingConfig?.LogGroup?.Ref as string;
      expect(serviceResources[logGroupId]?.Type).toBe('AWS::Logs::LogGroup');
      expect(serviceResources[logGroupId].Properties.RetentionInDays).toEqual(expect.any(Number));
    });

    it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s carries the function and capability cost tags', (id, spec) => {
      const fn = functionResource(id);
      expect({ function: tag(fn, 'function'), capability: tag(fn, 'capability'), app: tag(fn, 'app'), stage: tag(fn, 'stage') }).toEqual({
        function: spec.id,
        capability: spec.capability,
        app: 'HeadshotStudio',
        stage: 'test',
      });
    });

    it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s gets source maps, Powertools settings and exactly its catalogue environment', (id, spec) => {
      const variables = functionResource(id).Properties.Environment.Variables as Record<string, unknown>;
      expect(Object.keys(variables).sort()).toEqual(
        [
          'NODE_OPTIONS',
          'POWERTOOLS_LOG_LEVEL',
          'POWERTOOLS_METRICS_NAMESPACE',
          'POWERTOOLS_SERVICE_NAME',
          'STAGE_NAME',
          ...Object.keys(spec.grants).map((resourceId) => (RESOURCES as Record<string, { env: string }>)[resourceId].env),
        ].sort(),
      );
      expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
    });

    it('grants both SendTaskSuccess and SendTaskFailure to the function that resumes the confirmation gate', () => {
      service.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['states:SendTaskFailure', 'states:SendTaskSuccess']) })]),
        },
      });
    });
  });

  describe('HTTP API', () => {
    it('has exactly the catalogue routes', () => {
      const deployed = ofType(serviceResources, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey as string);
      expect(deployed.sort()).toEqual(ROUTES.map(routeKey).sort());
    });

    it('puts every route behind the Lambda authorizer, except the public ones', () => {
      const [[authorizerId]] = ofType(serviceResources, 'AWS::ApiGatewayV2::Authorizer');
      service.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'REQUEST',
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        IdentitySource: ['$request.header.Authorization'],
        AuthorizerResultTtlInSeconds: 300,
      });
      for (const [, route] of ofType(serviceResources, 'AWS::ApiGatewayV2::Route')) {
        const spec = ROUTES.find((r) => routeKey(r) === route.Properties.RouteKey)!;
        const authorizer = route.Properties.AuthorizerId ? JSON.stringify(route.Properties.AuthorizerId) : undefined;
        expect({ route: route.Properties.RouteKey, type: route.Properties.AuthorizationType, authorizer }).toEqual({
          route: route.Properties.RouteKey,
          type: spec.auth === 'none' ? 'NONE' : 'CUSTOM',
          // Domain stacks import the authorizer of the API stack.
          authorizer: spec.auth === 'none' ? undefined : expect.stringContaining(authorizerId),
        });
      }
    });

    it('runs the authorizer function of the catalogue, which API Gateway may invoke, in the API stack', () => {
      const [[, authorizer]] = ofType(serviceResources, 'AWS::ApiGatewayV2::Authorizer');
      const [[fnId, fn]] = catalogueFunctions().filter(([, r]) => tag(r, 'function') === 'Authorize');
      expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(fnId);
      expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(expect.arrayContaining(['TABLE_NAME', 'TOKEN_ISSUER']));
      const api = Template.fromStack(stacks.api).toJSON().Resources as Record<string, Resource>;
      expect(api[fnId]).toBeDefined();
      expect(Object.values(api).some((r) => r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal === 'apigateway.amazonaws.com')).toBe(true);
    });

    it('accepts ID tokens (aud) and access tokens (client_id) of the web client from the user pool', () => {
      const fn = functionResource('Authorize');
      const issuer = JSON.stringify(fn.Properties.Environment.Variables.TOKEN_ISSUER);
      expect(issuer).toMatch(/UsersUserPoolWebClient/);
      expect(issuer).toContain('https://cognito-idp.');
      expect(issuer).toMatch(/UsersUserPool/);
    });

    it('keeps the rate limit counters in a table of their own, which API functions may only UpdateItem', () => {
      const api = Template.fromStack(stacks.api);
      api.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
      service.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'dynamodb:UpdateItem', Resource: Match.arrayWith([Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('RateLimits') })]) })]) },
      });
    });

    it('sends each route to the function the catalogue names', () => {
      for (const route of ROUTES) {
        const [, deployed] = ofType(serviceResources, 'AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey(route))!;
        const integrationId = (deployed.Properties.Target['Fn::Join'][1] as unknown[])[1] as { Ref: string };
        const integration = serviceResources[integrationId.Ref];
        const functionId = integration.Properties.IntegrationUri['Fn::GetAtt'][0] as string;
        expect({ route: routeKey(route), fn: tag(serviceResources[functionId], 'function') }).toEqual({ route: routeKey(route), fn: route.functionId });
      }
    });

    it('gives the routes that create things their own, tighter throttling, and route-level metrics', () => {
      const [[, stage]] = ofType(serviceResources, 'AWS::ApiGatewayV2::Stage');
      const throttled = ROUTES.filter((r) => r.contract.throttle);
      expect(throttled.map(routeKey).sort()).toEqual([
        'POST /v1/admin/orders/{orderId}/decision',
        'POST /v1/admin/orders/{orderId}/deliver',
        'POST /v1/admin/studios/{studioId}/styles/{styleId}/images',
        'POST /v1/admin/wallets/{walletId}/adjustments',
        'POST /v1/api-keys',
        'POST /v1/billing/checkout',
        'POST /v1/orders',
        'POST /v1/orders/{orderId}/photos',
        'POST /v1/orders/{orderId}/submit',
        'POST /v1/organisations',
        'POST /v1/organisations/{orgId}/invitations',
        'POST /v1/organisations/{orgId}/invitations/{invitationId}/resend',
      ]);
      expect(stage.Properties.DefaultRouteSettings.DetailedMetricsEnabled).toBe(true);
      for (const route of throttled) {
        expect(stage.Properties.RouteSettings[routeKey(route)]).toEqual({
          ThrottlingRateLimit: route.contract.throttle!.rateLimit,
          ThrottlingBurstLimit: route.contract.throttle!.burstLimit,
          DetailedMetricsEnabled: true,
        });
        expect(route.contract.throttle!.rateLimit).toBeLessThan(stage.Properties.DefaultRouteSettings.ThrottlingRateLimit);
      }
    });

    it('creates the stage after every domain stack, since API Gateway refuses settings for routes that do not exist yet', () => {
      const dependencies = stacks.operations.dependencies.map((d) => d.stackName);
      for (const domain of stacks.domains.values()) expect(dependencies).toContain(domain.stackName);
    });

    it('alarms per route group on the share of requests answered 5xx, reading each route of the group', () => {
      const rateAlarms = ofType(serviceResources, 'AWS::CloudWatch::Alarm')
        .map(([, a]) => a.Properties)
        .filter((a) => a.Metrics);
      for (const domain of DOMAINS.filter((d) => d.routes.length)) {
        // A domain with more routes than one alarm's ten metrics allow gets one alarm per group of five routes.
        const alarms = rateAlarms.filter((a) => String(a.AlarmDescription).startsWith(`The ${domain.id} routes`));
        expect(alarms).toHaveLength(Math.ceil(domain.routes.length / 5));
        const resources = alarms.flatMap((alarm) =>
          (alarm.Metrics as { MetricStat?: { Metric: { Dimensions: { Name: string; Value: unknown }[] } } }[])
            .flatMap((m) => m.MetricStat?.Metric.Dimensions ?? [])
            .filter((d) => d.Name === 'Resource')
            .map((d) => d.Value),
        );
        expect([...new Set(resources)].sort()).toEqual([...new Set(domain.routes.map((r) => r.path))].sort());
        for (const alarm of alarms) expect(alarm.Threshold).toBe(5);
      }
    });

    it('throttles the default stage and writes access logs', () => {
      service.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
        AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      });
    });

    it('allows the web origin with Authorization and Content-Type in CORS preflight', () => {
      service.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: {
          AllowHeaders: Match.arrayWith(['authorization', 'content-type']),
          AllowOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::ImportValue': Match.stringLikeRegexp('SiteDistribution') }]] }],
        },
      });
    });
  });

  describe.each(STATE_MACHINES.map((s) => [s.id, s] as const))('state machine %s', (id, spec) => {
    const machine = (): Resource => {
      const found = ofType(serviceResources, 'AWS::StepFunctions::StateMachine').find(([logicalId]) => logicalId.startsWith(`Domain${id}`));
      if (!found) throw new Error(`no state machine ${id}`);
      return found[1];
    };
    /** The definition as CloudFormation will see it after DefinitionSubstitutions. */
    const substituted = (): string => {
      let text = machine().Properties.DefinitionString as string;
      for (const key of Object.keys(machine().Properties.DefinitionSubstitutions)) text = text.split(`\${${key}}`).join(`arn:aws:lambda:::function:${key}`);
      return text;
    };
    type State = { Type: string; Resource?: string; TimeoutSeconds?: number; MaxConcurrency?: number; ItemProcessor?: { States: Record<string, State> } };
    const statesOf = (states: Record<string, State>): [string, State][] =>
      Object.entries(states).flatMap(([name, state]) => [[name, state] as [string, State], ...statesOf(state.ItemProcessor?.States ?? {})]);

    it('is a Standard workflow logging ALL events without execution data (no task tokens in logs) and tracing', () => {
      expect(machine().Properties).toEqual(
        expect.objectContaining({
          StateMachineType: 'STANDARD',
          LoggingConfiguration: expect.objectContaining({ Level: 'ALL', IncludeExecutionData: false }),
          TracingConfiguration: { Enabled: true },
        }),
      );
    });

    it('substitutes every placeholder of its ASL file, and only those', () => {
      const placeholders = placeholdersOf(machine().Properties.DefinitionString as string);
      expect(placeholders).toEqual(Object.keys(spec.functionArns).sort());
      expect(Object.keys(machine().Properties.DefinitionSubstitutions).sort()).toEqual(placeholders);
      expect(substituted()).not.toContain('${');
    });

    it('maps each placeholder to the ARN of the catalogue function', () => {
      for (const [placeholder, functionId] of Object.entries(spec.functionArns)) {
        const [logicalId] = machine().Properties.DefinitionSubstitutions[placeholder]['Fn::GetAtt'] as [string, string];
        expect({ placeholder, fn: tag(serviceResources[logicalId], 'function') }).toEqual({ placeholder, fn: functionId });
      }
    });

    it('times out after the catalogue timeout', () => {
      expect(JSON.parse(substituted()).TimeoutSeconds).toBe(spec.timeoutSeconds);
    });

    it('bounds every Map state with MaxConcurrency', () => {
      const maps = statesOf(JSON.parse(substituted()).States).filter(([, s]) => s.Type === 'Map');
      // The order and generation pipelines fan out; the delivery pipeline is a straight line.
      expect(maps.length > 0).toBe(spec.id !== 'DeliveryPipeline');
      for (const [name, state] of maps) expect({ name, max: state.MaxConcurrency }).toEqual({ name, max: expect.any(Number) });
    });

    it('gives every waitForTaskToken Task a TimeoutSeconds', () => {
      const waits = statesOf(JSON.parse(substituted()).States).filter(([, s]) => s.Resource?.endsWith('.waitForTaskToken'));
      expect(waits.length).toBeGreaterThan(0);
      for (const [name, state] of waits) expect({ name, timeout: state.TimeoutSeconds }).toEqual({ name, timeout: expect.any(Number) });
    });

    it('may invoke exactly the functions it names, without version wildcards', () => {
      const roleId = machine().Properties.RoleArn['Fn::GetAtt'][0] as string;
      const policy = ofType(serviceResources, 'AWS::IAM::Policy').find(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))![1];
      const invoke = (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).find(
        (s) => s.Action === 'lambda:InvokeFunction',
      );
      const invoked = (invoke!.Resource as { 'Fn::GetAtt': [string, string] }[]).map((r) => tag(serviceResources[r['Fn::GetAtt'][0]], 'function'));
      expect(invoked.sort()).toEqual(Object.values(spec.functionArns).sort());
    });
  });

  describe('web site', () => {
    it('serves the bucket through CloudFront with origin access control', () => {
      service.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
      service.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          DefaultRootObject: 'index.html',
          Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: { OriginAccessIdentity: '' } })],
          Logging: Match.objectLike({ Bucket: Match.anyValue() }),
        }),
      });
    });

    it('redirects HTTP to HTTPS and adds the security headers policy', () => {
      service.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: { Ref: Match.anyValue() } }),
        }),
      });
    });

    it('sends HSTS, nosniff, frame DENY, a referrer policy and a CSP that allows the API and Cognito', () => {
      const [[, policy]] = ofType(serviceResources, 'AWS::CloudFront::ResponseHeadersPolicy');
      const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
      expect(headers).toEqual(
        expect.objectContaining({
          StrictTransportSecurity: expect.objectContaining({ AccessControlMaxAgeSec: expect.any(Number) }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: expect.objectContaining({ ReferrerPolicy: expect.any(String) }),
        }),
      );
      const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
      expect(csp).toContain('execute-api.');
      expect(csp).toContain('https://cognito-idp.');
      expect(csp).toContain("frame-ancestors 'none'");
    });
  });

  describe('observability', () => {
    it('alarms on errors of every function, failures of every state machine and API 5xx', () => {
      const alarms = ofType(serviceResources, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
      const byMetric = (name: string) => alarms.filter((a) => a.MetricName === name);
      expect(byMetric('Errors')).toHaveLength(FUNCTIONS.length);
      expect(byMetric('ExecutionsFailed')).toHaveLength(STATE_MACHINES.length);
      expect(byMetric('5xx')).toHaveLength(1);
      expect(alarms.filter((a) => a.Metrics)).toHaveLength(DOMAINS.reduce((sum, d) => sum + Math.ceil(d.routes.length / 5), 0));
      for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^MonitoringAlarmTopic/) }]);
    });

    it('publishes alarms to an encrypted topic that requires TLS', () => {
      service.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      service.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });

    it('has a dashboard', () => {
      service.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    });
  });

  it('tags every stack with app and stage', () => {
    for (const stack of allStacks(stacks)) {
      expect(stack.tags.tagValues()).toEqual(expect.objectContaining({ app: 'HeadshotStudio', stage: 'test' }));
    }
  });
});
