DROP TABLE tenant_keys;
DROP TABLE push_outbox;
ALTER TABLE alert_deliveries DROP COLUMN push_id;
ALTER TABLE alert_subscribers DROP COLUMN push_auth;
ALTER TABLE alert_subscribers DROP COLUMN push_p256dh;
