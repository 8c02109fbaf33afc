/**
 * Environment the handlers read at module scope (see functions/lib/env.ts).
 * Import this module before any handler: ts-jest keeps imports in source
 * order, so the variables are set before the handler module is evaluated.
 */
export const TEST_ENV = {
  TABLE_NAME: 'test-table',
  UPLOADS_BUCKET: 'test-uploads',
  OUTPUTS_BUCKET: 'test-outputs',
  STUDIO_MEDIA_BUCKET: 'test-studio-media',
  FACE_ANALYZER: 'face-api',
  ORDER_PIPELINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:OrderPipeline',
  USER_POOL_ID: 'eu-west-1_TestPool1',
  MAIL_FROM: 'studio@test.example.com',
  SITE_URL: 'https://studio.example.com',
  GENERATION_PIPELINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:GenerationPipeline',
  FAL_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fal-AbCdEf',
  API_URL: 'https://api.example.com',
  DELIVERY_PIPELINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:DeliveryPipeline',
  MEDIA_CDN: JSON.stringify({ url: 'https://media.example.com', secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:media-AbCdEf' }),
} as const;

Object.assign(process.env, TEST_ENV, {
  AWS_REGION: 'eu-west-1',
  // Keep test output readable; the Powertools logger reads this when it is built.
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_SERVICE_NAME: 'headshot-studio-test',
  // Business metrics would print EMF lines on stdout after every call.
  POWERTOOLS_METRICS_DISABLED: 'true',
});
