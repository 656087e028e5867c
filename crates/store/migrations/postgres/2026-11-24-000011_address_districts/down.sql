ALTER TABLE address_points DROP COLUMN district;
