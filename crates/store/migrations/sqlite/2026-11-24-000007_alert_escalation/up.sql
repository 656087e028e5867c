-- Alerts that need confirmation (issue 6): staff on duty confirm by a link; too few within the
-- time set, the alert goes to the next group. `escalation` is the JSON of
-- ratusz_app::alerts::escalate::Escalation (NULL: no confirmation needed); `escalation_stage`
-- the groups reached so far. A delivery's `confirm_token` is the secret of its confirmation
-- link, `stage` the group it was sent to (0 for residents).
ALTER TABLE alerts ADD COLUMN escalation TEXT;
ALTER TABLE alerts ADD COLUMN escalation_stage INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alert_deliveries ADD COLUMN confirm_token TEXT;
ALTER TABLE alert_deliveries ADD COLUMN confirmed_at BIGINT;
ALTER TABLE alert_deliveries ADD COLUMN stage INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX alert_deliveries_confirm ON alert_deliveries (confirm_token);
