import { QueryCommand, type QueryCommandInput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Every item a query matches, following `LastEvaluatedKey` page after page (for lists bounded by the product, not for open-ended ones). */
export async function queryAll(doc: Pick<DynamoDBDocumentClient, 'send'>, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const { Items = [], LastEvaluatedKey } = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...Items);
    startKey = LastEvaluatedKey;
  } while (startKey);
  return items;
}
