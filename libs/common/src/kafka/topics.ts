import type { Kafka } from 'kafkajs';

export interface TopicSettings {
  numPartitions: number;
  replicationFactor: number;
}

/** Creates the topics that do not exist yet; existing ones are left untouched. */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  settings: TopicSettings,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, ...settings })),
      });
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}
