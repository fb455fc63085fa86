// The compose stack's one-shot init job: the content bucket and the contract deployment, written to
// $TESSERA_HOME/deployments for the services. Database migrations are not run here: each service applies
// its own at boot, under an advisory lock, so replicas starting together migrate once.
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

const result = spawnSync('npm', ['run', 'contracts:deploy'], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error('init: npm run contracts:deploy failed');
  process.exit(result.status ?? 1);
}
console.log('init: done');
