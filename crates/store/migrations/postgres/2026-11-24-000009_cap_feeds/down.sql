DROP TABLE cap_feed_entries;
DROP TABLE cap_feeds;
