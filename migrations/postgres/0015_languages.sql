-- Languages (issue 19). The site's own language ('' until the admin picks one: then
-- MONOSTAT_LANGUAGE, else English) and the languages readers may get, as comma-separated tags
-- ('' for every language monostat ships).
ALTER TABLE site_settings ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE site_settings ADD COLUMN languages TEXT NOT NULL DEFAULT '';
-- The language a subscriber signed up in, for their mails ('' for the site's: subscribers from
-- before, and from the import).
ALTER TABLE subscribers ADD COLUMN language TEXT NOT NULL DEFAULT '';
