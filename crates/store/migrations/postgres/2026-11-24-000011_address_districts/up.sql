-- Districts (dzielnica, osiedle, sołectwo) of the address register (issue 6: residents
-- subscribe to whole localities or districts). Empty where the register names none.
ALTER TABLE address_points ADD COLUMN district TEXT NOT NULL DEFAULT '';
