-- Named rows that transactions lock (`UPDATE locks SET name = name WHERE name = $1`) to serialise
-- decisions that read before they write across many rows, such as "attach this alert to the open
-- alert-driven incident, or open one": two concurrent deliveries must not both decide to open one.
-- On PostgreSQL the UPDATE takes a row lock held until commit; on SQLite it takes the database's
-- write lock before the transaction has read anything, so no stale snapshot can be acted on.
CREATE TABLE locks (
    name TEXT PRIMARY KEY
);
INSERT INTO locks (name) VALUES ('alert_intake');
