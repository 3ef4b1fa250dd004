-- Uploaded files (the site's logo), in the database rather than in one instance's data
-- directory, so that every instance serves them. Names carry a hash of the content: a row never
-- changes once written.
CREATE TABLE media (
    name TEXT PRIMARY KEY,
    content BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
