import { ServiceInfo } from '@tessera/common';
import { problemOf } from '../../test/support/problem';
import type { DrmEnvDto } from '../config/env.dto';
import { CatalogFeedService, unreadEvents } from './catalog-feed.service';

describe('unread catalog announcements', () => {
  it('counts from the committed offset to the end of each partition', () => {
    const ends = [
      { partition: 0, low: '0', high: '10' },
      { partition: 1, low: '0', high: '4' },
    ];
    expect(
      unreadEvents(ends, [
        { partition: 0, offset: '10' },
        { partition: 1, offset: '4' },
      ]),
    ).toBe(0);
    expect(
      unreadEvents(ends, [
        { partition: 0, offset: '7' },
        { partition: 1, offset: '4' },
      ]),
    ).toBe(3);
  });

  it('counts a partition the group never committed on from its oldest kept event', () => {
    expect(unreadEvents([{ partition: 0, low: '5', high: '9' }], [{ partition: 0, offset: '-1' }])).toBe(4);
    expect(unreadEvents([{ partition: 2, low: '5', high: '9' }], [])).toBe(4);
    // An empty partition has nothing to read, commit or not.
    expect(unreadEvents([{ partition: 0, low: '3', high: '3' }], [])).toBe(0);
  });

  it('does not count events already removed by retention', () => {
    expect(unreadEvents([{ partition: 0, low: '50', high: '60' }], [{ partition: 0, offset: '20' }])).toBe(10);
  });
});

describe('CatalogFeedService', () => {
  it('answers 503 when Kafka cannot be reached, rather than letting a seal claim the resource is unknown', async () => {
    const env = { KAFKA_BROKERS: ['127.0.0.1:9'], HEALTH_TIMEOUT_MS: 500 } as DrmEnvDto;
    const feed = new CatalogFeedService(env, new ServiceInfo('drm'));
    expect(await problemOf(() => feed.assertCaughtUp())).toEqual({
      status: 503,
      detail: "The catalog's resource feed cannot be read; retry later",
    });
  });
});
