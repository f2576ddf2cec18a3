-- First responses of requests sent with an `Idempotency-Key` (spec README "Other conventions"),
-- shared by every steward process on the database. The primary key is the lock: of several racing
-- requests with one key, exactly one inserts its row (status NULL = still running) and runs.
-- The key itself is kept as a SHA-256 digest (any bytes, fixed size in the index).
CREATE TABLE idempotency_keys (
    principal TEXT NOT NULL,
    key_digest TEXT NOT NULL,
    request_digest TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    status INTEGER,
    content_type TEXT,
    body BLOB,
    PRIMARY KEY (principal, key_digest)
);
-- Pruning deletes rows older than six hours.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
