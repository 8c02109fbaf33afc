import { getLockStats, handleFalWebhook, setLockThreshold } from '../../shared/api/generation';
import { API_DEFAULTS, PIPELINE_DEFAULTS } from './defaults';
import { type DomainSpec, serve } from './types';

/** Modules the local cloud's face analyser loads (behind a dynamic import); AWS compares faces with Rekognition. */
const LOCAL_FACE_MODULES = ['@vladmandic/face-api', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs'];

/**
 * A confirmed order's production: the customer's LoRA is trained, every style
 * × pose is generated in batches of 3 under the provider's global limits,
 * every image is checked for likeness (the identity lock) and processed with
 * sharp, and the order waits for review. The provider answers by webhook.
 */
export const generation: DomainSpec = {
  id: 'generation',
  description: 'LoRA training, generation under global provider limits, the identity lock and image processing',
  functions: [
    {
      ...PIPELINE_DEFAULTS,
      id: 'PrepareGeneration',
      entry: 'functions/generation/prepare-generation.handler.ts',
      description: "Moves a confirmed order to TRAINING, plans its style × pose batches and zips the customer's face crops for the trainer",
      memoryMb: 1024,
      grants: { Table: 'readWrite', UploadsBucket: 'readWrite' },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'SubmitProviderRequest',
      entry: 'functions/generation/submit-request.handler.ts',
      description: "Takes a slot under the provider's global limits and queues a training or a batch of 3 images with the webhook URL",
      grants: { Table: 'readWrite', UploadsBucket: 'read', FalSecret: 'read', PublicApi: 'link' },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'AwaitProviderRequest',
      entry: 'functions/generation/await-request.handler.ts',
      description: 'Parks a step until its provider request finishes: stores the task token, or resumes at once when the webhook came first',
      grants: { Table: 'readWrite', GenerationPipeline: ['taskResponse'] },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'PollProviderRequest',
      entry: 'functions/generation/poll-request.handler.ts',
      description: "Asks the provider's queue where a request stands, when its webhook is late or lost",
      grants: { Table: 'readWrite', FalSecret: 'read' },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'CollectTraining',
      entry: 'functions/generation/collect-training.handler.ts',
      description: "Keeps the trained LoRA's URL and moves the order to GENERATING, or queues a failed training again",
      grants: { Table: 'readWrite', FalSecret: 'read' },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'CollectBatch',
      entry: 'functions/generation/collect-batch.handler.ts',
      description: "Checks each generated image against the customer's selfies (the identity lock), processes the keepers with sharp into the output layout and records every image",
      // sharp and the likeness check of 3 images at up to 2048 px: a full vCPU.
      memoryMb: 2048,
      timeoutSeconds: 300,
      grants: { Table: 'readWrite', UploadsBucket: 'read', OutputsBucket: 'readWrite', FalSecret: 'read', FaceDetection: 'compare' },
      nativeModules: ['sharp'],
      localOnlyModules: LOCAL_FACE_MODULES,
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'FinishGeneration',
      entry: 'functions/generation/finish-generation.handler.ts',
      description: 'Moves a generated order to PENDING_REVIEW and starts its delivery pipeline (the review gate), or fails it when the identity lock kept no image',
      grants: { Table: 'readWrite', DeliveryPipeline: ['start'] },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'FailGeneration',
      entry: 'functions/generation/fail-generation.handler.ts',
      description: 'Ends an order whose production failed, with a reason the customer reads, refunds it, frees the provider slots it held and e-mails the customer',
      grants: { Table: 'readWrite', Mail: 'send', UserPool: 'readUsers', Site: 'link' },
    },
    {
      ...API_DEFAULTS,
      id: 'HandleFalWebhook',
      entry: 'functions/generation/handle-fal-webhook.handler.ts',
      description: "Verifies fal.ai's signed webhook, records the request's outcome once and resumes the step waiting for it",
      grants: { Table: 'readWrite', FalSecret: 'read', GenerationPipeline: ['taskResponse'] },
    },
    {
      ...API_DEFAULTS,
      id: 'GetLockStats',
      entry: 'functions/generation/get-lock-stats.handler.ts',
      description: "Reports the identity lock's rejection rate per engine and style",
      grants: { Table: 'read' },
    },
    {
      ...API_DEFAULTS,
      id: 'SetLockThreshold',
      entry: 'functions/generation/set-lock-threshold.handler.ts',
      description: "Sets the identity lock's threshold for the images judged from now on",
      grants: { Table: 'readWrite' },
    },
  ],
  routes: [
    serve(handleFalWebhook, 'HandleFalWebhook'),
    serve(getLockStats, 'GetLockStats'),
    serve(setLockThreshold, 'SetLockThreshold'),
  ],
  stateMachines: [
    {
      id: 'GenerationPipeline',
      definitionFile: 'statemachines/generation-pipeline.asl.json',
      functionArns: {
        PrepareGenerationFunctionArn: 'PrepareGeneration',
        SubmitProviderRequestFunctionArn: 'SubmitProviderRequest',
        AwaitProviderRequestFunctionArn: 'AwaitProviderRequest',
        PollProviderRequestFunctionArn: 'PollProviderRequest',
        CollectTrainingFunctionArn: 'CollectTraining',
        CollectBatchFunctionArn: 'CollectBatch',
        FinishGenerationFunctionArn: 'FinishGeneration',
        FailGenerationFunctionArn: 'FailGeneration',
      },
      // Training and 45 batches take minutes; a day bounds a stuck provider.
      timeoutSeconds: 24 * 3600,
    },
  ],
};
