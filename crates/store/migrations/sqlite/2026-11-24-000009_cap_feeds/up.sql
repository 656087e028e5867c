-- External CAP feeds a municipality re-publishes (issue 6). Kept column-for-column identical
-- across engines.

-- A feed (Atom or RSS index of CAP alerts) the robot reads every `every_minutes`.
-- `checked_at` is also the claim: a worker polls a feed only if its conditional update of
-- this column succeeded, so two workers never read the same feed at once.
CREATE TABLE cap_feeds (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    every_minutes BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    checked_at BIGINT,
    last_status TEXT,
    last_error TEXT,
    published BIGINT NOT NULL,
    UNIQUE (tenant_id, url)
);

-- The entries of a feed already dealt with (published, already known or refused), so that a
-- feed's old entries are not fetched again at every poll. Entries that failed for a passing
-- reason (a timeout, an HTTP 503) are not here and are tried again.
CREATE TABLE cap_feed_entries (
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
    feed_id TEXT NOT NULL,
    entry_key TEXT NOT NULL,
    alert_id TEXT,
    error TEXT,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (feed_id, entry_key)
);
