// Apache Kafka in KRaft mode (one node that is both broker and controller), run from Maven Central jars.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { isRoot, log, ownedPid, run, spawnDaemon, stopProcess, which, writePidFile } from './proc.mjs';

export const KAFKA_VERSION = '3.9.1';
const SLF4J_VERSION = '1.7.36';
const RELOAD4J_VERSION = '1.2.25';

// Maven resolves the broker's whole transitive closure; we only name the broker and its log binding.
const POM = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.tessera.local</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>${SLF4J_VERSION}</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>${RELOAD4J_VERSION}</version></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
    </plugins>
  </build>
</project>
`;

const LOG4J = `log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=WARN
log4j.logger.org.apache.kafka=WARN
`;

async function ensureJavaAndMaven() {
  if (which('java') && which('mvn')) {
    return;
  }
  if (!isRoot) {
    throw new Error('Kafka needs java (17+) and mvn on PATH');
  }
  log('kafka: installing a JRE and Maven (apt-get)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'default-jre-headless', 'maven']]) {
    const result = await run('apt-get', args, { env });
    if (result.code !== 0) {
      throw new Error(`apt-get ${args.join(' ')} failed:\n${result.output.slice(-2000)}`);
    }
  }
}

export function kafkaPart(cfg) {
  const { kafka: port, kafkaController: controllerPort } = cfg.ports;
  const toolDir = path.join(cfg.tools, 'kafka');
  const libs = path.join(toolDir, `libs-${KAFKA_VERSION}`);
  const complete = path.join(libs, '.complete');
  const stateDir = path.join(cfg.home, 'kafka');
  const dataDir = path.join(stateDir, 'data');
  const configFile = path.join(stateDir, 'server.properties');
  const log4jFile = path.join(stateDir, 'log4j.properties');
  const pidFile = path.join(cfg.run, 'kafka.pid');
  const logFile = path.join(cfg.logs, 'kafka.log');
  const brokers = `${cfg.host}:${port}`;
  const isOurs = (argv) => argv.includes('kafka.Kafka') && argv.includes(configFile);
  const java = (args) =>
    run('java', [`-Dlog4j.configuration=file:${log4jFile}`, '-cp', path.join(libs, '*'), ...args], { logFile });

  async function ensureJars() {
    if (fs.existsSync(complete)) {
      return;
    }
    await ensureJavaAndMaven();
    log(`kafka: resolving Kafka ${KAFKA_VERSION} jars with Maven (first run only)`);
    fs.mkdirSync(toolDir, { recursive: true });
    fs.writeFileSync(path.join(toolDir, 'pom.xml'), POM);
    fs.rmSync(libs, { recursive: true, force: true });
    const result = await run(
      'mvn',
      [
        '-q',
        '-B',
        '-f',
        path.join(toolDir, 'pom.xml'),
        'dependency:copy-dependencies',
        `-DoutputDirectory=${libs}`,
        '-DincludeScope=runtime',
      ],
      { logFile: path.join(cfg.logs, 'kafka-maven.log') },
    );
    if (result.code !== 0) {
      throw new Error(`Maven could not resolve Kafka (see ${path.join(cfg.logs, 'kafka-maven.log')})`);
    }
    fs.writeFileSync(complete, `${new Date().toISOString()}\n`);
  }

  function writeConfig() {
    fs.mkdirSync(dataDir, { recursive: true });
    const settings = {
      'process.roles': 'broker,controller',
      'node.id': 1,
      'controller.quorum.voters': `1@${cfg.host}:${controllerPort}`,
      listeners: `PLAINTEXT://${cfg.host}:${port},CONTROLLER://${cfg.host}:${controllerPort}`,
      'advertised.listeners': `PLAINTEXT://${cfg.host}:${port}`,
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'log.dirs': dataDir,
      'num.partitions': 3,
      'default.replication.factor': 1,
      'min.insync.replicas': 1,
      'offsets.topic.replication.factor': 1,
      // Fewer offset partitions than the default 50 make the first consumer group appear in about a second.
      'offsets.topic.num.partitions': 10,
      'transaction.state.log.replication.factor': 1,
      'transaction.state.log.min.isr': 1,
      // Consumers in tests join one at a time; the default 3 s delay would slow every test's first poll.
      'group.initial.rebalance.delay.ms': 0,
      'auto.create.topics.enable': true,
    };
    fs.writeFileSync(
      configFile,
      `${Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')}\n`,
    );
    fs.writeFileSync(log4jFile, LOG4J);
  }

  async function formatStorage() {
    if (fs.existsSync(path.join(dataDir, 'meta.properties'))) {
      return;
    }
    const clusterId = crypto.randomBytes(16).toString('base64url');
    const result = await java([
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      configFile,
      '--ignore-formatted',
    ]);
    if (result.code !== 0) {
      throw new Error(`formatting Kafka storage failed (see ${logFile})`);
    }
  }

  async function metadata() {
    const client = new kafkajs.Kafka({
      clientId: 'tessera-stack',
      brokers: [brokers],
      connectionTimeout: 1500,
      requestTimeout: 3000,
      retry: { retries: 0 },
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const admin = client.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      await admin.listTopics();
      return cluster.brokers.length > 0;
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  return {
    name: 'kafka',
    logFile,
    address: brokers,
    describe: () => `${brokers} (KRaft, Kafka ${KAFKA_VERSION})`,
    env: () => ({ KAFKA_BROKERS: brokers }),
    pid: () => ownedPid(pidFile, isOurs),
    ready: metadata,
    async answering() {
      try {
        return await metadata();
      } catch {
        return false;
      }
    },
    async start() {
      if (ownedPid(pidFile, isOurs) !== null) {
        return null;
      }
      await ensureJars();
      writeConfig();
      await formatStorage();
      const daemon = spawnDaemon(
        'java',
        [
          '-Xms256m',
          '-Xmx512m',
          '-XX:+UseG1GC',
          '-Djava.awt.headless=true',
          `-Dlog4j.configuration=file:${log4jFile}`,
          `-Dkafka.logs.dir=${path.join(stateDir, 'logs')}`,
          '-cp',
          path.join(libs, '*'),
          'kafka.Kafka',
          configFile,
        ],
        { logFile, cwd: stateDir },
      );
      writePidFile(pidFile, daemon.pid);
      return daemon;
    },
    async stop() {
      const current = ownedPid(pidFile, isOurs);
      fs.rmSync(pidFile, { force: true });
      if (current === null) {
        return 'not running';
      }
      return stopProcess(current, { signal: 'SIGTERM', timeoutMs: 30000 });
    },
  };
}
