import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GeneratedImageView } from '#shared/api/generation';
import { demoUser, eventually, signIn, startLocalCloud } from '../test/support/local-cloud';
import { CustomerApi } from '../test/support/order-flow';
import { spread } from './stats';

/*
 * Orchestration overhead per image at zero provider latency, on the local cloud:
 * everything the pipeline adds around the provider's work and the image work.
 * One order (one style: 4 poses, 12 images) is confirmed with the fal
 * stand-in's latency at 0. For each batch:
 *
 *   overhead = (last image recorded − batch submitted) − provider time (the
 *              stand-in's own start→end, from its NDJSON line)
 *              − Σ (likeness check + processing) of its images
 *
 * i.e. the submit step, the webhook's delivery and verification, resuming the
 * task token, Step Functions' transitions, Lambda invocations, downloads and
 * S3 writes. Per image = batch overhead / images in the batch. The batches
 * run in parallel on a 2-core machine, so waiting for a core counts as
 * overhead here: the figure is an upper bound. A first order warms the
 * functions up and is not counted. Target ≤ 100 ms per image.
 *
 *   node --import tsx bench/generation-orchestration.ts [orders]
 *
 * Results go to stdout and to .local/bench/generation-orchestration.json.
 */

const ORDERS = Number(process.argv[2] ?? 2);
const TARGET_MS = 100;

async function main(): Promise<void> {
  const cloud = await startLocalCloud({ env: { LOCAL_FAL_LATENCY_MS: '0', LOCAL_FAL_TRAINING_LATENCY_MS: '0' } });
  try {
    const customer = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'customer')));
    const admin = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'admin')));
    const perImage: number[] = [];
    const work: number[] = [];
    const walls: number[] = [];
    // Round 0 warms the functions up (Lambda keeps warm sandboxes too; the face analyser's models load once per sandbox) and is not counted.
    for (let round = -1; round < ORDERS; round++) {
      // One order at a time: the figure is one order's overhead, not a queue's.
      const { orderId } = await customer.orderAtGate(['corporate-grey']);
      await admin.call('POST', `/v1/admin/orders/${orderId}/decision`, { decision: 'confirm' });
      const done = await eventually(async () => {
        const order = await customer.order(orderId);
        return order.status === 'PENDING_REVIEW' || order.status === 'FAILED' ? order : undefined;
      }, 300_000, `order ${orderId} to finish production`);
      if (done.status !== 'PENDING_REVIEW') throw new Error(`Order ${orderId} ended ${done.status}: ${done.failureReason}`);
      const at = (status: string) => Date.parse(done.timeline.find((t) => t.status === status)!.at);
      if (round < 0) {
        process.stdout.write('warm-up order done\n');
        continue;
      }
      walls.push((at('PENDING_REVIEW') - at('GENERATING')) / (done.imagesPlanned ?? 1));

      const images = (await admin.call('GET', `/v1/admin/orders/${orderId}/images`)).body.images as GeneratedImageView[];
      const provider = new Map<string, number>();
      for (const line of (await readFile(cloud.endpoints.fal.requestLog, 'utf8')).split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { requestId: string; start: number; end: number };
        provider.set(entry.requestId, entry.end - entry.start);
      }
      // Only first-attempt batches (no drift here): one provider call per batch.
      const batches = new Map<string, GeneratedImageView[]>();
      for (const image of images) batches.set(image.requestId, [...(batches.get(image.requestId) ?? []), image]);
      for (const [requestId, members] of batches) {
        const submitted = Date.parse(members[0]!.submittedAt);
        const recorded = Math.max(...members.map((m) => Date.parse(m.recordedAt)));
        const imageWork = members.reduce((sum, m) => sum + m.processingMs + (m.attempts.at(-1)?.likenessMs ?? 0), 0);
        const overhead = recorded - submitted - (provider.get(requestId) ?? 0) - imageWork;
        perImage.push(overhead / members.length);
        work.push(imageWork / members.length);
      }
      process.stdout.write(`order ${round + 1}/${ORDERS}: ${images.length} images\n`);
    }
    const overhead = spread(perImage);
    const result = {
      orders: ORDERS,
      overheadPerImageMs: overhead,
      imageWorkPerImageMs: spread(work),
      wallPerImageMs: spread(walls),
      targetMs: TARGET_MS,
      pass: overhead.median <= TARGET_MS,
    };
    const fmt = (s: { median: number; p25: number; p75: number }) => `${s.median.toFixed(0)} ms (p25 ${s.p25.toFixed(0)}, p75 ${s.p75.toFixed(0)})`;
    console.log('\nGeneration orchestration at zero provider latency (per image, medians over batches):');
    console.log(`  orchestration overhead   ${fmt(result.overheadPerImageMs)}   target ≤ ${TARGET_MS} ms   ${result.pass ? 'PASS' : 'FAIL'}`);
    console.log(`  likeness + processing    ${fmt(result.imageWorkPerImageMs)}`);
    console.log(`  wall time, GENERATING → PENDING_REVIEW, per image   ${fmt(result.wallPerImageMs)}`);
    const dir = join(process.cwd(), '.local', 'bench');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'generation-orchestration.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await cloud.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
