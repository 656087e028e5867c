-- Indexes the registry benchmark showed missing (ratusz bench registry, 1,000,000 cases):
-- the case view's outgoing items, the items part of "my work" (with the register order, so
-- SQLite without statistics does not walk the whole register), and related cases in reverse.
CREATE INDEX outgoing_items_case ON outgoing_items (tenant_id, case_id, year, number);
CREATE INDEX incoming_items_handler_case ON incoming_items (tenant_id, handler_id, case_id, year, number);
DROP INDEX incoming_items_handler;
CREATE INDEX case_links_related ON case_links (related_case_id);
