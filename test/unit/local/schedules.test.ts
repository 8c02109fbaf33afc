import { scheduledEvent, startSchedules } from '../../../infra/local/schedules';

describe('local schedules', () => {
  it('invokes each scheduled function every period with a Scheduled Event, logs a failed run and stops', async () => {
    jest.useFakeTimers();
    try {
      // Prepare
      const calls: { id: string; event: Record<string, unknown> }[] = [];
      const logs: string[] = [];
      let fail = true;
      const stop = startSchedules({
        schedules: [{ functionId: 'Sweep', everyMinutes: 2 }],
        region: 'us-east-1',
        accountId: '000000000000',
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
      // Act and assess: nothing before the first period, then one run per period, none after stopping.
      await jest.advanceTimersByTimeAsync(119_999);
      expect(calls).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(calls).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(2 * 120_000);
      expect(calls).toHaveLength(3);
      stop();
      await jest.advanceTimersByTimeAsync(10 * 120_000);
      expect(calls).toHaveLength(3);
      expect(calls[0]).toMatchObject({
        id: 'Sweep',
        event: { 'detail-type': 'Scheduled Event', source: 'aws.events', resources: ['arn:aws:events:us-east-1:000000000000:rule/SweepSchedule'], detail: {} },
      });
      expect(logs).toEqual(['  schedule SweepSchedule: Sweep failed: boom']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('stamps the time to the second, as EventBridge does', () => {
    expect(scheduledEvent('R', 'eu-west-1', '1', new Date('2030-01-01T10:00:00.123Z')).time).toBe('2030-01-01T10:00:00Z');
  });
});
