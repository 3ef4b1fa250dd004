-- One id per installation, made on first start and shared by all its instances: it names the
-- installation's keys and channel in a Redis that other installations may share.
CREATE TABLE installation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    installation_id TEXT NOT NULL
);
