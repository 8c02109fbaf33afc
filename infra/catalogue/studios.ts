import { completeStyleImage, createStudio, createStyleImageUpload, deleteStyleImage, getStudio, getStudioAdmin, listStudios, putStyle, updateStudio } from '../../shared/api/studios';
import { API_DEFAULTS } from './defaults';
import { type DomainSpec, serve } from './types';

const READ = { Table: 'read', StudioMediaBucket: 'read' } as const;
const WRITE = { Table: 'readWrite', StudioMediaBucket: 'read' } as const;

/** The marketplace: customers browse studios and styles; admins curate them and their images. */
export const studios: DomainSpec = {
  id: 'studios',
  description: 'The studio marketplace',
  functions: [
    { ...API_DEFAULTS, id: 'ListStudios', entry: 'functions/studios/list-studios.handler.ts', description: 'Lists the studios by name, optionally with one tag', grants: READ },
    { ...API_DEFAULTS, id: 'GetStudio', entry: 'functions/studios/get-studio.handler.ts', description: 'Returns one studio with its styles and sample images', grants: READ },
    {
      ...API_DEFAULTS,
      id: 'GetStudioAdmin',
      entry: 'functions/studios/get-studio-admin.handler.ts',
      description: 'Returns one studio for its editor, reference images included',
      grants: READ,
    },
    // A new studio has no images yet: nothing to sign links to.
    { ...API_DEFAULTS, id: 'CreateStudio', entry: 'functions/studios/create-studio.handler.ts', description: 'Creates a studio', grants: { Table: 'readWrite' } },
    { ...API_DEFAULTS, id: 'UpdateStudio', entry: 'functions/studios/update-studio.handler.ts', description: "Replaces a studio's own fields", grants: WRITE },
    { ...API_DEFAULTS, id: 'PutStyle', entry: 'functions/studios/put-style.handler.ts', description: 'Creates or replaces a style of a studio', grants: WRITE },
    {
      ...API_DEFAULTS,
      id: 'CreateStyleImageUpload',
      entry: 'functions/studios/create-style-image-upload.handler.ts',
      description: 'Answers a presigned POST for one image of a style',
      grants: { Table: 'read', StudioMediaBucket: 'readWrite' },
    },
    {
      ...API_DEFAULTS,
      id: 'CompleteStyleImage',
      entry: 'functions/studios/complete-style-image.handler.ts',
      description: 'Checks an uploaded style image and adds it to its style',
      grants: { Table: 'readWrite', StudioMediaBucket: 'readWrite' },
    },
    {
      ...API_DEFAULTS,
      id: 'DeleteStyleImage',
      entry: 'functions/studios/delete-style-image.handler.ts',
      description: 'Removes an image from its style and deletes its file',
      grants: { Table: 'readWrite', StudioMediaBucket: 'readWrite' },
    },
  ],
  routes: [
    serve(listStudios, 'ListStudios'),
    serve(getStudio, 'GetStudio'),
    serve(getStudioAdmin, 'GetStudioAdmin'),
    serve(createStudio, 'CreateStudio'),
    serve(updateStudio, 'UpdateStudio'),
    serve(putStyle, 'PutStyle'),
    serve(createStyleImageUpload, 'CreateStyleImageUpload'),
    serve(completeStyleImage, 'CompleteStyleImage'),
    serve(deleteStyleImage, 'DeleteStyleImage'),
  ],
  stateMachines: [],
};
