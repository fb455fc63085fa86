// The compose stack's one-shot init job: the content bucket, migrations (when a script exists; services
// also migrate at boot) and the contract deployment, written to $TESSERA_HOME/deployments for the services.
import { spawnSync } from 'node:child_process';
import * as Minio from 'minio';

const endpoint = new URL(process.env.S3_ENDPOINT ?? 'http://minio:9000');
const s3 = new Minio.Client({
  endPoint: endpoint.hostname,
  port: Number(endpoint.port || 80),
  useSSL: endpoint.protocol === 'https:',
  accessKey: process.env.S3_ACCESS_KEY,
  secretKey: process.env.S3_SECRET_KEY,
  region: process.env.S3_REGION ?? 'us-east-1',
});
const bucket = process.env.S3_BUCKET ?? 'tessera-content';
if (!(await s3.bucketExists(bucket))) {
  await s3.makeBucket(bucket, process.env.S3_REGION ?? 'us-east-1');
  console.log(`init: created bucket ${bucket}`);
}

for (const script of ['migrate', 'contracts:deploy']) {
  const result = spawnSync('npm', ['run', '--if-present', script], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`init: npm run ${script} failed`);
    process.exit(result.status ?? 1);
  }
}
console.log('init: done');
