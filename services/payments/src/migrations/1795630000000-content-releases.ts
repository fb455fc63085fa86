import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Releases drm reported per order. A delivery failure other than an integrity failure grounds a refund only
 * while no release came after it, so the refund check needs the latest release of an order.
 */
export class ContentReleases1795630000000 implements MigrationInterface {
  name = 'ContentReleases1795630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payments.content_releases (
        licence_id uuid NOT NULL,
        order_id text NOT NULL,
        mode text NOT NULL,
        released_at timestamptz NOT NULL,
        PRIMARY KEY (licence_id, released_at)
      )`);
    await q.query(`CREATE INDEX content_releases_order_idx ON payments.content_releases (order_id, released_at DESC)`);
    // The admin list pages newest first, optionally by status.
    await q.query(`CREATE INDEX refund_requests_created_idx ON payments.refund_requests (created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX payments.refund_requests_created_idx`);
    await q.query(`DROP TABLE payments.content_releases`);
  }
}
