import { STYLE_IMAGE_KINDS, STYLE_IMAGE_TYPES, MAX_STYLE_IMAGE_BYTES, slugSchema, studioInputSchema, studioSummarySchema, studioViewSchema, styleInputSchema } from '../studios';
import { presignedPostSchema } from '../photos';
import * as z from '../validation';
import { defineRoute } from './contract';
import { pageOf, pageQuery } from './paging';

export const studioIdParams = z.strictObject({ studioId: slugSchema('The studio ID in the path') });
export const styleParams = z.strictObject({ studioId: slugSchema('The studio ID in the path'), styleId: slugSchema('The style ID in the path') });
export const styleImageParams = z.strictObject({
  studioId: slugSchema('The studio ID in the path'),
  styleId: slugSchema('The style ID in the path'),
  imageId: z.uuid({ error: 'The image ID in the path is not a valid image ID.' }),
});

/** The public marketplace. */
export const listStudios = defineRoute({
  operationId: 'listStudios',
  method: 'GET',
  path: '/v1/studios',
  auth: 'none',
  tag: 'studios',
  summary: 'Browse the studios, by name, optionally with one tag',
  query: z.strictObject({ tag: z.optional(slugSchema('tag')), ...pageQuery }),
  status: 200,
  response: z.extend(pageOf('studios', studioSummarySchema), { tags: z.array(z.string()) }),
  errors: [],
});

export const getStudio = defineRoute({
  operationId: 'getStudio',
  method: 'GET',
  path: '/v1/studios/{studioId}',
  auth: 'none',
  tag: 'studios',
  summary: 'Read one studio with its styles and sample images',
  description: 'Image links are signed and short-lived: read the studio again for fresh ones.',
  params: studioIdParams,
  status: 200,
  response: studioViewSchema,
  errors: ['STUDIO_NOT_FOUND'],
});

/** Admins curate the marketplace. */
export const createStudio = defineRoute({
  operationId: 'createStudio',
  method: 'POST',
  path: '/v1/admin/studios',
  auth: 'admins',
  tag: 'studios',
  summary: 'Create a studio',
  description: "The studio's ID is its name in lower case with hyphens; it then appears in the marketplace (with its styles once they exist).",
  body: studioInputSchema,
  status: 201,
  response: studioViewSchema,
  errors: ['STUDIO_EXISTS'],
});

export const updateStudio = defineRoute({
  operationId: 'updateStudio',
  method: 'PUT',
  path: '/v1/admin/studios/{studioId}',
  auth: 'admins',
  tag: 'studios',
  summary: "Replace a studio's name, photographer credit, description and tags",
  params: studioIdParams,
  body: studioInputSchema,
  status: 200,
  response: studioViewSchema,
  errors: ['STUDIO_NOT_FOUND'],
});

export const putStyle = defineRoute({
  operationId: 'putStyle',
  method: 'PUT',
  path: '/v1/admin/studios/{studioId}/styles/{styleId}',
  auth: 'admins',
  tag: 'studios',
  summary: 'Create or replace a style of a studio',
  description: 'Its images are kept. Orders already placed keep the style as it was when they were placed.',
  params: styleParams,
  body: styleInputSchema,
  status: 200,
  response: studioViewSchema,
  errors: ['STUDIO_NOT_FOUND', 'TOO_MANY_STYLES'],
});

export const createStyleImageUpload = defineRoute({
  operationId: 'createStyleImageUpload',
  method: 'POST',
  path: '/v1/admin/studios/{studioId}/styles/{styleId}/images',
  auth: 'admins',
  tag: 'studios',
  summary: 'Start uploading a sample or reference image of a style',
  description:
    'Answers a presigned POST: send its fields and then the file as multipart/form-data to its URL within 15 minutes, then call the complete route so the image appears.',
  params: styleParams,
  body: z.strictObject({
    kind: z.enum(STYLE_IMAGE_KINDS, { error: `kind must be one of ${STYLE_IMAGE_KINDS.join(', ')}` }),
    contentType: z.enum(STYLE_IMAGE_TYPES, { error: `contentType must be one of ${STYLE_IMAGE_TYPES.join(', ')}` }),
    size: z.number().check(z.int('size is a whole number of bytes'), z.gte(1, 'The file is empty'), z.lte(MAX_STYLE_IMAGE_BYTES, 'Style images are at most 10 MB')),
  }),
  status: 201,
  response: z.object({ imageId: z.string(), upload: presignedPostSchema }),
  errors: ['STUDIO_NOT_FOUND', 'STYLE_NOT_FOUND', 'TOO_MANY_IMAGES'],
  throttle: { rateLimit: 5, burstLimit: 20 },
});

export const completeStyleImage = defineRoute({
  operationId: 'completeStyleImage',
  method: 'POST',
  path: '/v1/admin/studios/{studioId}/styles/{styleId}/images/{imageId}/complete',
  auth: 'admins',
  tag: 'studios',
  summary: 'Add an uploaded image to its style',
  params: styleImageParams,
  status: 200,
  response: studioViewSchema,
  errors: ['STUDIO_NOT_FOUND', 'STYLE_NOT_FOUND', 'IMAGE_NOT_UPLOADED', 'TOO_MANY_IMAGES'],
});

export const deleteStyleImage = defineRoute({
  operationId: 'deleteStyleImage',
  method: 'DELETE',
  path: '/v1/admin/studios/{studioId}/styles/{styleId}/images/{imageId}',
  auth: 'admins',
  tag: 'studios',
  summary: 'Remove an image from its style',
  params: styleImageParams,
  status: 200,
  response: studioViewSchema,
  errors: ['STUDIO_NOT_FOUND', 'STYLE_NOT_FOUND', 'IMAGE_NOT_FOUND'],
});

export const getStudioAdmin = defineRoute({
  operationId: 'getStudioAdmin',
  method: 'GET',
  path: '/v1/admin/studios/{studioId}',
  auth: 'admins',
  tag: 'studios',
  summary: 'Read one studio for editing, reference images included',
  params: studioIdParams,
  status: 200,
  response: studioViewSchema,
  errors: ['STUDIO_NOT_FOUND'],
});
