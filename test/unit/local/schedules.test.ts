import { scheduledEvent, startSchedules } from '../../../infra/local/schedules';

describe('local schedules', () => {
  it('invokes each scheduled function every period with a Scheduled Event, logs a failed run and stops', async () => {
    // Prepare
    const calls: { id: string; event: Record<string, unknown> }[] = [];
    const logs: string[] = [];
    let fail = true;
    const stop = startSchedules({
      schedules: [{ functionId: 'Sweep', everyMinutes: 2 }],
      region: 'us-east-1',
      accountId: '000000000000',
      minuteMs: 10,
      log: (line) => logs.push(line),
      invoke: async (id, event) => {
        calls.push({ id, event: event as Record<string, unknown> });
        if (fail) {
          fail = false;
          throw new Error('boom');
        }
        return {};
      },
    });
    // Act
    await new Promise((resolve) => setTimeout(resolve, 75));
    stop();
    const afterStop = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Assess: every 20 ms, none before the first period, none after stopping
    expect(afterStop).toBeGreaterThanOrEqual(2);
    expect(afterStop).toBeLessThanOrEqual(4);
    expect(calls).toHaveLength(afterStop);
    expect(calls[0]).toMatchObject({
      id: 'Sweep',
      event: { 'detail-type': 'Scheduled Event', source: 'aws.events', resources: ['arn:aws:events:us-east-1:000000000000:rule/SweepSchedule'], detail: {} },
    });
    expect(logs).toEqual(['  schedule SweepSchedule: Sweep failed: boom']);
  });

  it('stamps the time to the second, as EventBridge does', () => {
    expect(scheduledEvent('R', 'eu-west-1', '1', new Date('2030-01-01T10:00:00.123Z')).time).toBe('2030-01-01T10:00:00Z');
  });
});
