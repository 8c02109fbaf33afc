import { PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { decodeCursor, encodeCursor } from '#lib/cursor';
import { MAX_STYLE_IMAGES, MAX_STYLES_PER_STUDIO, type StudioInput, type StyleImageKind, type StyleInput } from '#shared/studios';
import { queryAll } from '#lib/query-all';

/** Why a change to a studio was refused. */
export class StudioConflictError extends Error {
  constructor(
    readonly reason: 'STUDIO_NOT_FOUND' | 'STUDIO_EXISTS' | 'STYLE_NOT_FOUND' | 'TOO_MANY_STYLES' | 'TOO_MANY_IMAGES' | 'IMAGE_NOT_FOUND',
    message: string,
  ) {
    super(message);
    this.name = 'StudioConflictError';
  }
}

export interface StoredImage {
  readonly imageId: string;
  readonly kind: StyleImageKind;
  /** Key in the studio media bucket. */
  readonly key: string;
}

export interface StudioRecord extends StudioInput {
  readonly studioId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Denormalised from the styles for the marketplace list; kept in step by every style change. */
  readonly styleCount: number;
  readonly fromCredits?: number;
  readonly coverKey?: string;
  /** Optimistic lock of the summary fields. */
  readonly version: number;
}

export interface StyleRecord extends StyleInput {
  readonly studioId: string;
  readonly styleId: string;
  readonly images: readonly StoredImage[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface StudioWithStyles {
  readonly studio: StudioRecord;
  /** In the order they were created. */
  readonly styles: readonly StyleRecord[];
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
  readonly tag?: string;
}

const studioKey = (studioId: string) => ({ pk: `STUDIO#${studioId}`, sk: 'STUDIO' });
const styleKey = (studioId: string, styleId: string) => ({ pk: `STUDIO#${studioId}`, sk: `STYLE#${styleId}` });
/** Every studio sits in one partition of gsi1, sorted by name: the marketplace is small and read far more than written. */
const LIST_PARTITION = 'STUDIOS';
const listSortKey = (name: string, studioId: string) => `${name.toLowerCase()}#${studioId}`;

export type Studios = Pick<StudioStore, 'create' | 'update' | 'get' | 'list' | 'allTags' | 'putStyle' | 'addImage' | 'removeImage'>;

/**
 * Studios and their styles in the single table: `STUDIO#id / STUDIO` and
 * `STUDIO#id / STYLE#styleId` (with its images inline, at most
 * {@link MAX_STYLE_IMAGES} of each kind). The studio item carries a summary of
 * its styles (count, cheapest price, cover image) for the marketplace list;
 * every style change rewrites it in the same transaction, guarded by a version.
 */
export class StudioStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(studioId: string, input: StudioInput, at = new Date().toISOString()): Promise<StudioRecord> {
    const record: StudioRecord = { ...input, studioId, createdAt: at, updatedAt: at, styleCount: 0, version: 0 };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...studioKey(studioId), ...record, gsi1pk: LIST_PARTITION, gsi1sk: listSortKey(input.name, studioId) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') throw new StudioConflictError('STUDIO_EXISTS', `A studio with the ID "${studioId}" exists already; choose another name.`);
      throw error;
    }
    return record;
  }

  /** Replaces the studio's own fields; its styles and summary stay. */
  async update(studioId: string, input: StudioInput): Promise<void> {
    const current = await this.get(studioId);
    if (!current) throw notFound(studioId);
    const at = new Date().toISOString();
    await this.writeSummary(current.studio, { ...input, updatedAt: at, gsi1sk: listSortKey(input.name, studioId) });
  }

  async get(studioId: string): Promise<StudioWithStyles | undefined> {
    const { Items = [] } = await this.doc.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `STUDIO#${studioId}` }, ConsistentRead: true }),
    );
    const studio = Items.find((item) => item.sk === 'STUDIO');
    if (!studio) return undefined;
    const styles = Items.filter((item) => String(item.sk).startsWith('STYLE#'))
      .map((item) => strip(item) as unknown as StyleRecord)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.styleId.localeCompare(b.styleId));
    return { studio: strip(studio) as unknown as StudioRecord, styles };
  }

  /** The marketplace, by name; with `tag`, only studios carrying it (a page may then need several reads). */
  async list(page: PageRequest): Promise<{ items: StudioRecord[]; nextCursor?: string }> {
    let startKey = decodeCursor(page.cursor, { attributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'], partition: { gsi1pk: LIST_PARTITION } });
    const items: Record<string, unknown>[] = [];
    // One item more than the page proves a next page exists.
    do {
      const { Items = [], LastEvaluatedKey } = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :list',
          ...(page.tag ? { FilterExpression: 'contains(tags, :tag)' } : {}),
          ExpressionAttributeValues: { ':list': LIST_PARTITION, ...(page.tag ? { ':tag': page.tag } : {}) },
          Limit: page.limit + 1,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...Items);
      startKey = LastEvaluatedKey as Record<string, string> | undefined;
    } while (startKey && items.length <= page.limit);
    const pageItems = items.slice(0, page.limit);
    const last = pageItems.at(-1);
    const nextCursor = items.length > page.limit && last ? encodeCursor({ pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk }) : undefined;
    return { items: pageItems.map((item) => strip(item) as unknown as StudioRecord), nextCursor };
  }

  /** Every tag in use, sorted, for the marketplace's filter. */
  async allTags(): Promise<string[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :list',
      ExpressionAttributeValues: { ':list': LIST_PARTITION },
      ProjectionExpression: 'tags',
    });
    return [...new Set(items.flatMap((item) => (item.tags as string[] | undefined) ?? []))].sort();
  }

  /** Creates or replaces a style's fields, keeping its images. */
  async putStyle(studioId: string, styleId: string, input: StyleInput): Promise<void> {
    await this.changeStyle(studioId, styleId, (existing, at, count) => {
      if (!existing && count >= MAX_STYLES_PER_STUDIO) {
        throw new StudioConflictError('TOO_MANY_STYLES', `A studio has at most ${MAX_STYLES_PER_STUDIO} styles; change an existing one instead.`);
      }
      return { ...input, studioId, styleId, images: existing?.images ?? [], createdAt: existing?.createdAt ?? at, updatedAt: at };
    });
  }

  async addImage(studioId: string, styleId: string, image: StoredImage): Promise<void> {
    await this.changeStyle(studioId, styleId, (existing, at) => {
      if (!existing) throw new StudioConflictError('STYLE_NOT_FOUND', `The studio has no style "${styleId}".`);
      if (existing.images.some((i) => i.imageId === image.imageId)) return existing;
      if (existing.images.filter((i) => i.kind === image.kind).length >= MAX_STYLE_IMAGES) {
        throw new StudioConflictError('TOO_MANY_IMAGES', `A style has at most ${MAX_STYLE_IMAGES} ${image.kind} images; remove one first.`);
      }
      return { ...existing, images: [...existing.images, image], updatedAt: at };
    });
  }

  /** Removes an image from its style, answering it (its object is the caller's to delete). */
  async removeImage(studioId: string, styleId: string, imageId: string): Promise<StoredImage> {
    let removed: StoredImage | undefined;
    await this.changeStyle(studioId, styleId, (existing, at) => {
      if (!existing) throw new StudioConflictError('STYLE_NOT_FOUND', `The studio has no style "${styleId}".`);
      removed = existing.images.find((i) => i.imageId === imageId);
      if (!removed) throw new StudioConflictError('IMAGE_NOT_FOUND', 'The style has no such image.');
      return { ...existing, images: existing.images.filter((i) => i.imageId !== imageId), updatedAt: at };
    });
    return removed!;
  }

  /**
   * Writes one style and the studio's summary of all its styles in one
   * transaction, on the version read; a concurrent change makes it read and try again.
   */
  private async changeStyle(
    studioId: string,
    styleId: string,
    change: (existing: StyleRecord | undefined, at: string, styleCount: number) => StyleRecord,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(studioId);
      if (!current) throw notFound(studioId);
      const at = new Date().toISOString();
      const existing = current.styles.find((s) => s.styleId === styleId);
      const style = change(existing, at, current.styles.length);
      const styles = existing ? current.styles.map((s) => (s.styleId === styleId ? style : s)) : [...current.styles, style];
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: this.tableName, Item: { ...styleKey(studioId, styleId), ...style } } },
              { Update: this.summaryUpdate(current.studio, { ...summaryOf(styles), updatedAt: at }) },
            ],
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException) || attempt >= 4) throw error;
      }
    }
  }

  private async writeSummary(studio: StudioRecord, fields: Record<string, unknown>): Promise<void> {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: [{ Update: this.summaryUpdate(studio, fields) }] }));
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new StudioConflictError('STUDIO_NOT_FOUND', 'The studio changed while saving; reload it and try again.');
      throw error;
    }
  }

  /** SET each field (REMOVE those undefined) and bump the version, if it is still the one read. */
  private summaryUpdate(studio: StudioRecord, fields: Record<string, unknown>) {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':version': studio.version, ':one': 1 };
    const sets: string[] = ['version = version + :one'];
    const removes: string[] = [];
    Object.entries(fields).forEach(([name, value], i) => {
      names[`#f${i}`] = name;
      if (value === undefined) removes.push(`#f${i}`);
      else {
        values[`:f${i}`] = value;
        sets.push(`#f${i} = :f${i}`);
      }
    });
    return {
      TableName: this.tableName,
      Key: studioKey(studio.studioId),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: 'version = :version',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }
}

/** The marketplace summary of a studio's styles. */
export function summaryOf(styles: readonly StyleRecord[]): { styleCount: number; fromCredits: number | undefined; coverKey: string | undefined } {
  const cover = styles.flatMap((s) => s.images).find((i) => i.kind === 'sample');
  return {
    styleCount: styles.length,
    fromCredits: styles.length ? Math.min(...styles.map((s) => s.priceCredits)) : undefined,
    coverKey: cover?.key,
  };
}

/** Key of a style image in the studio media bucket. */
export const styleImageKey = (studioId: string, styleId: string, imageId: string) => `studios/${studioId}/${styleId}/${imageId}`;

function notFound(studioId: string): StudioConflictError {
  return new StudioConflictError('STUDIO_NOT_FOUND', `No studio "${studioId}" exists.`);
}

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { pk, sk, gsi1pk, gsi1sk, ...rest } = item;
  return rest;
}

