-- Crisis alerts by SMS (issue 6). Kept column-for-column identical across engines.

-- Outgoing SMS, like mail_messages: written in the transaction that caused them, sent in
-- batches by `send_sms_batch` jobs through the configured gateway, kept here as `held` when
-- no gateway is configured. `template` may hold the gateway's placeholder `[%1%]`, filled
-- with `param` per recipient (the gateway's per-recipient parameters), so that one request
-- carries many recipients' personalised texts.
CREATE TABLE sms_outbox (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    to_number TEXT NOT NULL,
    template TEXT NOT NULL,
    param TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    last_error TEXT,
    gateway_id TEXT
);
CREATE INDEX sms_outbox_list ON sms_outbox (tenant_id, created_at);

-- A phone subscription's double opt-in: the SHA-256 of the code sent by SMS and the wrong
-- tries so far. `short_code` is the short unsubscribe code in every alert SMS
-- (/w/<code>), where a long token would not fit.
ALTER TABLE alert_subscribers ADD COLUMN confirm_code TEXT;
ALTER TABLE alert_subscribers ADD COLUMN confirm_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alert_subscribers ADD COLUMN short_code TEXT;
CREATE UNIQUE INDEX alert_subscribers_short ON alert_subscribers (short_code);

ALTER TABLE alert_deliveries ADD COLUMN sms_id TEXT;
