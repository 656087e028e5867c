DROP INDEX case_links_related;
CREATE INDEX incoming_items_handler ON incoming_items (tenant_id, handler_id);
DROP INDEX incoming_items_handler_case;
DROP INDEX outgoing_items_case;
