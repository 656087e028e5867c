DROP TABLE alert_form_sends;
