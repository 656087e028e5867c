DROP TABLE submissions;
DROP TABLE form_stashes;
DROP TABLE submission_drafts;
DROP TABLE eservices;
