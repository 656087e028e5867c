DROP INDEX incoming_items_case;
DROP TABLE satisfaction_answers;
DROP TABLE notification_preferences;
DROP TABLE notifications;
DROP TABLE portal_deliveries;
DROP TABLE portal_message_files;
DROP TABLE portal_messages;
