DROP TABLE alert_opens;
