-- Messages the public subscription form made the office send (confirmation links, SMS codes,
-- settings links), by the sender's IP address: limits per connection and, for SMS (each costs
-- the office money), per municipality and hour. Rows older than an hour are deleted as new
-- ones come: the addresses are kept no longer than the limit needs them. Kept
-- column-for-column identical across engines.
CREATE TABLE alert_form_sends (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    ip TEXT NOT NULL,
    channel TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX alert_form_sends_by_time ON alert_form_sends (tenant_id, at);
