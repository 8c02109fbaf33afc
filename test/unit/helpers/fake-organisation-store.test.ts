import { describeOrganisationsBehaviour } from '../../stores/organisations-behaviour';
import { FakeOrganisationStore } from './fake-organisation-store';

describe('Class: FakeOrganisationStore', () => {
  // The same behaviour OrganisationStore shows on DynamoDB Local (test/stores/organisation-store.test.ts).
  describe('Behaviour shared with OrganisationStore', () => {
    describeOrganisationsBehaviour((now) => new FakeOrganisationStore(now));
  });

  describe('Test controls', () => {
    it('fails the next call of a method once with the error it is given', async () => {
      // Prepare
      const store = new FakeOrganisationStore();
      const error = new Error('ProvisionedThroughputExceededException');
      store.failNext('get', error);

      // Act & Assess
      await expect(store.get('x')).rejects.toBe(error);
      await expect(store.get('x')).resolves.toBeUndefined();
    });
  });
});
