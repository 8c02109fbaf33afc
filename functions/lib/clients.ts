import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { tracer } from './powertools';

/*
 * SDK clients are built lazily, once per container, and each is captured by
 * the tracer so every AWS call shows as a subsegment. Endpoints come from the
 * standard AWS_ENDPOINT_URL_* variables, so the same code talks to AWS or to
 * the local cloud.
 */

let documentClient: DynamoDBDocumentClient | undefined;
let s3: S3Client | undefined;
let sfn: SFNClient | undefined;
let cognito: CognitoIdentityProviderClient | undefined;

export function ddb(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function s3Client(): S3Client {
  // Path-style addressing is what S3-compatible endpoints without wildcard DNS need.
  s3 ??= tracer.captureAWSv3Client(new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true' }));
  return s3;
}

export function sfnClient(): SFNClient {
  sfn ??= tracer.captureAWSv3Client(new SFNClient({}));
  return sfn;
}

export function cognitoClient(): CognitoIdentityProviderClient {
  cognito ??= tracer.captureAWSv3Client(new CognitoIdentityProviderClient({}));
  return cognito;
}

let sesv2: SESv2Client | undefined;

export function sesClient(): SESv2Client {
  sesv2 ??= tracer.captureAWSv3Client(new SESv2Client({}));
  return sesv2;
}
