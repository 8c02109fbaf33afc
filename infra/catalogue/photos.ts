import { createPhotoUpload, deletePhoto, submitOrder } from '../../shared/api/photos';
import { API_DEFAULTS, EVENT_DEFAULTS } from './defaults';
import { type DomainSpec, serve } from './types';

/** Customers' selfies: direct uploads, validation as they land, and the submission of an order. */
export const photos: DomainSpec = {
  id: 'photos',
  description: 'Photo uploads, validation and order submission',
  functions: [
    {
      ...API_DEFAULTS,
      id: 'CreatePhotoUpload',
      entry: 'functions/photos/create-photo-upload.handler.ts',
      description: 'Records a photo on a draft order and answers a presigned POST for exactly its key, type and size',
      grants: { Table: 'readWrite', UploadsBucket: 'readWrite' },
    },
    {
      ...API_DEFAULTS,
      id: 'DeletePhoto',
      entry: 'functions/photos/delete-photo.handler.ts',
      description: 'Removes a photo from a draft order and deletes its files',
      grants: { Table: 'readWrite', UploadsBucket: 'readWrite' },
    },
    {
      ...API_DEFAULTS,
      id: 'SubmitOrder',
      entry: 'functions/photos/submit-order.handler.ts',
      description: 'Sends a draft order to the studio: starts the order pipeline',
      grants: { Table: 'readWrite', OrderPipeline: ['start'] },
    },
    {
      ...EVENT_DEFAULTS,
      id: 'ValidatePhoto',
      entry: 'functions/photos/validate-photo.handler.ts',
      description: 'Checks each uploaded photo (format, size, exactly one usable face, duplicates), stores its normalised copy and face crop, and deletes the original',
      grants: { Table: 'readWrite', UploadsBucket: 'readWrite', FaceDetection: 'detect' },
      nativeModules: ['sharp', 'heic-decode'],
      localOnlyModules: ['@vladmandic/face-api', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs'],
    },
  ],
  routes: [serve(createPhotoUpload, 'CreatePhotoUpload'), serve(deletePhoto, 'DeletePhoto'), serve(submitOrder, 'SubmitOrder')],
  stateMachines: [],
  objectEvents: [{ bucket: 'UploadsBucket', prefix: 'originals/', functionId: 'ValidatePhoto' }],
};
