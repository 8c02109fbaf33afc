import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../../functions/pipeline/plan-style';
import { planStyle } from '../../../../shared/orders';
import { TEST_ENV } from '../../helpers/env';
import { invokeTask } from '../../helpers/events';
import { ORDER_ID } from '../../helpers/orders';

describe('Function: PlanStyle', () => {
  const ddbMock = mockClient(DynamoDBDocumentClient);

  beforeEach(() => {
    ddbMock.reset();
    ddbMock.on(PutCommand).resolves({});
  });

  it('returns the plan for the style', async () => {
    // Act
    const plan = await invokeTask(handler, { orderId: ORDER_ID, styleId: 'warm-office', position: 2 });

    // Assess
    expect(plan).toEqual(planStyle('warm-office', 2));
  });

  it('stores the plan as a PLAN item under the order, keyed by its zero-padded position', async () => {
    // Act
    const plan = await invokeTask(handler, { orderId: ORDER_ID, styleId: 'warm-office', position: 2 });

    // Assess
    expect(ddbMock).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: TEST_ENV.TABLE_NAME,
      Item: { pk: `ORDER#${ORDER_ID}`, sk: 'PLAN#02', ...plan },
    });
  });

  it('fails without storing anything for an unknown style', async () => {
    // Act & Assess
    await expect(invokeTask(handler, { orderId: ORDER_ID, styleId: 'neon-disco', position: 0 })).rejects.toThrow(
      'Unknown style neon-disco',
    );
    expect(ddbMock).not.toHaveReceivedAnyCommand();
  });
});
