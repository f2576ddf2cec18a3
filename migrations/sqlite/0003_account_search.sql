-- What keeps GET /users fast at a million accounts (BENCHMARKS.md):
-- 1. account_counts: per-combination counters maintained by triggers, so `count` for the boolean filters
--    is a sum over a few hundred rows instead of a scan;
-- 2. a covering index in list order that also holds every filtered flag, so pages (deep ones too) are
--    read from the index alone, plus partial indexes for the selective filters;
-- 3. an FTS5 trigram index for substring search of nicknames and display names (3+ characters).

CREATE TABLE account_counts (
    local INTEGER NOT NULL,
    internal INTEGER NOT NULL,
    deactivated INTEGER NOT NULL,
    approval_pending INTEGER NOT NULL,
    confirmation_pending INTEGER NOT NULL,
    is_admin INTEGER NOT NULL,
    is_moderator INTEGER NOT NULL,
    actor_type TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (local, internal, deactivated, approval_pending, confirmation_pending, is_admin, is_moderator, actor_type)
);

INSERT INTO account_counts
SELECT local, internal, deactivated, approval_pending, confirmation_pending, is_admin, is_moderator, actor_type, COUNT(*)
FROM accounts GROUP BY local, internal, deactivated, approval_pending, confirmation_pending, is_admin, is_moderator, actor_type;

CREATE TRIGGER account_counts_insert AFTER INSERT ON accounts BEGIN
    INSERT OR IGNORE INTO account_counts VALUES (NEW.local, NEW.internal, NEW.deactivated, NEW.approval_pending,
        NEW.confirmation_pending, NEW.is_admin, NEW.is_moderator, NEW.actor_type, 0);
    UPDATE account_counts SET n = n + 1
    WHERE local = NEW.local AND internal = NEW.internal AND deactivated = NEW.deactivated
      AND approval_pending = NEW.approval_pending AND confirmation_pending = NEW.confirmation_pending
      AND is_admin = NEW.is_admin AND is_moderator = NEW.is_moderator AND actor_type = NEW.actor_type;
END;

CREATE TRIGGER account_counts_delete AFTER DELETE ON accounts BEGIN
    UPDATE account_counts SET n = n - 1
    WHERE local = OLD.local AND internal = OLD.internal AND deactivated = OLD.deactivated
      AND approval_pending = OLD.approval_pending AND confirmation_pending = OLD.confirmation_pending
      AND is_admin = OLD.is_admin AND is_moderator = OLD.is_moderator AND actor_type = OLD.actor_type;
END;

CREATE TRIGGER account_counts_update
AFTER UPDATE OF local, internal, deactivated, approval_pending, confirmation_pending, is_admin, is_moderator, actor_type
ON accounts BEGIN
    UPDATE account_counts SET n = n - 1
    WHERE local = OLD.local AND internal = OLD.internal AND deactivated = OLD.deactivated
      AND approval_pending = OLD.approval_pending AND confirmation_pending = OLD.confirmation_pending
      AND is_admin = OLD.is_admin AND is_moderator = OLD.is_moderator AND actor_type = OLD.actor_type;
    INSERT OR IGNORE INTO account_counts VALUES (NEW.local, NEW.internal, NEW.deactivated, NEW.approval_pending,
        NEW.confirmation_pending, NEW.is_admin, NEW.is_moderator, NEW.actor_type, 0);
    UPDATE account_counts SET n = n + 1
    WHERE local = NEW.local AND internal = NEW.internal AND deactivated = NEW.deactivated
      AND approval_pending = NEW.approval_pending AND confirmation_pending = NEW.confirmation_pending
      AND is_admin = NEW.is_admin AND is_moderator = NEW.is_moderator AND actor_type = NEW.actor_type;
END;

DROP INDEX accounts_order;
CREATE INDEX accounts_order ON accounts (nickname_lower, nickname, id, internal, local, deactivated,
    approval_pending, confirmation_pending, is_admin, is_moderator, actor_type);
CREATE INDEX accounts_order_admins ON accounts (nickname_lower, nickname, id) WHERE is_admin;
CREATE INDEX accounts_order_moderators ON accounts (nickname_lower, nickname, id) WHERE is_moderator;
CREATE INDEX accounts_order_pending ON accounts (nickname_lower, nickname, id) WHERE approval_pending;
CREATE INDEX accounts_order_unconfirmed ON accounts (nickname_lower, nickname, id) WHERE confirmation_pending;
CREATE INDEX accounts_order_deactivated ON accounts (nickname_lower, nickname, id) WHERE deactivated;
CREATE INDEX accounts_order_remote ON accounts (nickname_lower, nickname, id) WHERE NOT local;
CREATE INDEX accounts_actor_type ON accounts (actor_type);

CREATE VIRTUAL TABLE accounts_search USING fts5(
    nickname_lower, display_name_lower, content = 'accounts', content_rowid = 'seq', tokenize = 'trigram'
);
INSERT INTO accounts_search (accounts_search) VALUES ('rebuild');

CREATE TRIGGER accounts_search_insert AFTER INSERT ON accounts BEGIN
    INSERT INTO accounts_search (rowid, nickname_lower, display_name_lower)
    VALUES (NEW.seq, NEW.nickname_lower, NEW.display_name_lower);
END;

CREATE TRIGGER accounts_search_delete AFTER DELETE ON accounts BEGIN
    INSERT INTO accounts_search (accounts_search, rowid, nickname_lower, display_name_lower)
    VALUES ('delete', OLD.seq, OLD.nickname_lower, OLD.display_name_lower);
END;

CREATE TRIGGER accounts_search_update AFTER UPDATE OF nickname_lower, display_name_lower ON accounts BEGIN
    INSERT INTO accounts_search (accounts_search, rowid, nickname_lower, display_name_lower)
    VALUES ('delete', OLD.seq, OLD.nickname_lower, OLD.display_name_lower);
    INSERT INTO accounts_search (rowid, nickname_lower, display_name_lower)
    VALUES (NEW.seq, NEW.nickname_lower, NEW.display_name_lower);
END;
