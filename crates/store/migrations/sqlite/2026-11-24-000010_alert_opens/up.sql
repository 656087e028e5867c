-- How many times an alert's page was opened from its messages (issue 6's "opened"), per
-- channel and minute. Counted in aggregate from the link's channel mark (`?z=e` in e-mails,
-- `?z=p` in notifications): no per-recipient tracking in public-safety messages. Kept
-- column-for-column identical across engines.
CREATE TABLE alert_opens (
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    alert_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    minute BIGINT NOT NULL,
    opens BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, alert_id, channel, minute)
);
