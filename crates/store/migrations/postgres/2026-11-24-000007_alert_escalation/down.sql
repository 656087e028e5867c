DROP INDEX alert_deliveries_confirm;
ALTER TABLE alert_deliveries DROP COLUMN stage;
ALTER TABLE alert_deliveries DROP COLUMN confirmed_at;
ALTER TABLE alert_deliveries DROP COLUMN confirm_token;
ALTER TABLE alerts DROP COLUMN escalation_stage;
ALTER TABLE alerts DROP COLUMN escalation;
