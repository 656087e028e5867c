ALTER TABLE alert_deliveries DROP COLUMN sms_id;
DROP INDEX alert_subscribers_short;
ALTER TABLE alert_subscribers DROP COLUMN short_code;
ALTER TABLE alert_subscribers DROP COLUMN confirm_attempts;
ALTER TABLE alert_subscribers DROP COLUMN confirm_code;
DROP TABLE sms_outbox;
