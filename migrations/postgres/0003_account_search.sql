-- What keeps GET /users fast at a million accounts (BENCHMARKS.md):
-- 1. account_counts: per-combination counters maintained by a trigger, so `count` for the boolean filters
--    is a sum over a few hundred rows instead of a scan;
-- 2. a covering index in list order that also holds every filtered flag (index-only scans for pages, deep
--    ones too), plus partial indexes for the selective filters;
-- 3. pg_trgm GIN indexes for substring search of nicknames and display names (3+ characters; the
--    connection uses custom plans so short patterns never get a generic index plan).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE account_counts (
    local BOOLEAN NOT NULL,
    internal BOOLEAN NOT NULL,
    deactivated BOOLEAN NOT NULL,
    approval_pending BOOLEAN NOT NULL,
    confirmation_pending BOOLEAN NOT NULL,
    is_admin BOOLEAN NOT NULL,
    is_moderator BOOLEAN NOT NULL,
    actor_type TEXT COLLATE "C" NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (local, internal, deactivated, approval_pending, confirmation_pending, is_admin, is_moderator, actor_type)
);

INSERT INTO account_counts
SELECT local, internal, deactivated, approval_pending, confirmation_pending, is_admin, is_moderator, actor_type, COUNT(*)
FROM accounts GROUP BY local, internal, deactivated, approval_pending, confirmation_pending, is_admin, is_moderator, actor_type;

CREATE FUNCTION account_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE account_counts SET n = n - 1
        WHERE local = OLD.local AND internal = OLD.internal AND deactivated = OLD.deactivated
          AND approval_pending = OLD.approval_pending AND confirmation_pending = OLD.confirmation_pending
          AND is_admin = OLD.is_admin AND is_moderator = OLD.is_moderator AND actor_type = OLD.actor_type;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO account_counts VALUES (NEW.local, NEW.internal, NEW.deactivated, NEW.approval_pending,
            NEW.confirmation_pending, NEW.is_admin, NEW.is_moderator, NEW.actor_type, 1)
        ON CONFLICT (local, internal, deactivated, approval_pending, confirmation_pending, is_admin, is_moderator, actor_type)
        DO UPDATE SET n = account_counts.n + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER account_counts_insert_delete AFTER INSERT OR DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION account_counts_track();
CREATE TRIGGER account_counts_update
    AFTER UPDATE OF local, internal, deactivated, approval_pending, confirmation_pending, is_admin, is_moderator, actor_type
    ON accounts FOR EACH ROW
    WHEN ((OLD.local, OLD.internal, OLD.deactivated, OLD.approval_pending, OLD.confirmation_pending, OLD.is_admin,
           OLD.is_moderator, OLD.actor_type)
      IS DISTINCT FROM (NEW.local, NEW.internal, NEW.deactivated, NEW.approval_pending, NEW.confirmation_pending,
           NEW.is_admin, NEW.is_moderator, NEW.actor_type))
    EXECUTE FUNCTION account_counts_track();

DROP INDEX accounts_order;
CREATE INDEX accounts_order ON accounts (nickname_lower, nickname, id)
    INCLUDE (internal, local, deactivated, approval_pending, confirmation_pending, is_admin, is_moderator, actor_type);
CREATE INDEX accounts_order_admins ON accounts (nickname_lower, nickname, id) WHERE is_admin;
CREATE INDEX accounts_order_moderators ON accounts (nickname_lower, nickname, id) WHERE is_moderator;
CREATE INDEX accounts_order_pending ON accounts (nickname_lower, nickname, id) WHERE approval_pending;
CREATE INDEX accounts_order_unconfirmed ON accounts (nickname_lower, nickname, id) WHERE confirmation_pending;
CREATE INDEX accounts_order_deactivated ON accounts (nickname_lower, nickname, id) WHERE deactivated;
CREATE INDEX accounts_order_remote ON accounts (nickname_lower, nickname, id) WHERE NOT local;
CREATE INDEX accounts_actor_type ON accounts (actor_type);
CREATE INDEX accounts_nickname_trgm ON accounts USING gin (nickname_lower gin_trgm_ops);
CREATE INDEX accounts_display_name_trgm ON accounts USING gin (display_name_lower gin_trgm_ops);
