-- Tag filters of GET /users in list order (BENCHMARKS.md): the tagged accounts were not in nickname
-- order in any index, so a tag page sorted every tagged account (a heap visit each) and a tag count
-- under other filters visited each one too. account_tags now carries a copy of its account's
-- list-order key and filter columns, kept by triggers, and one covering index in list order per tag:
-- a tag page walks that index and stops when full, and its count reads it alone.
ALTER TABLE account_tags
    ADD COLUMN nickname_lower TEXT COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN nickname TEXT COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN internal BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN local BOOLEAN NOT NULL DEFAULT TRUE,
    ADD COLUMN deactivated BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN approval_pending BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN confirmation_pending BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN is_moderator BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN actor_type TEXT COLLATE "C" NOT NULL DEFAULT 'Person';

UPDATE account_tags t SET nickname_lower = a.nickname_lower, nickname = a.nickname, internal = a.internal,
    local = a.local, deactivated = a.deactivated, approval_pending = a.approval_pending,
    confirmation_pending = a.confirmation_pending, is_admin = a.is_admin, is_moderator = a.is_moderator,
    actor_type = a.actor_type
FROM accounts a WHERE a.id = t.account_id;

DROP INDEX account_tags_tag;
CREATE INDEX account_tags_order ON account_tags (tag, nickname_lower, nickname, account_id)
    INCLUDE (internal, local, deactivated, approval_pending, confirmation_pending, is_admin, is_moderator, actor_type);

CREATE FUNCTION account_tags_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT a.nickname_lower, a.nickname, a.internal, a.local, a.deactivated, a.approval_pending,
           a.confirmation_pending, a.is_admin, a.is_moderator, a.actor_type
    INTO NEW.nickname_lower, NEW.nickname, NEW.internal, NEW.local, NEW.deactivated, NEW.approval_pending,
         NEW.confirmation_pending, NEW.is_admin, NEW.is_moderator, NEW.actor_type
    FROM accounts a WHERE a.id = NEW.account_id;
    RETURN NEW;
END $$;

CREATE TRIGGER account_tags_copy BEFORE INSERT ON account_tags
    FOR EACH ROW EXECUTE FUNCTION account_tags_copy();

CREATE FUNCTION account_tags_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE account_tags SET nickname_lower = NEW.nickname_lower, nickname = NEW.nickname, internal = NEW.internal,
        local = NEW.local, deactivated = NEW.deactivated, approval_pending = NEW.approval_pending,
        confirmation_pending = NEW.confirmation_pending, is_admin = NEW.is_admin, is_moderator = NEW.is_moderator,
        actor_type = NEW.actor_type
    WHERE account_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER account_tags_follow
    AFTER UPDATE OF nickname_lower, nickname, internal, local, deactivated, approval_pending, confirmation_pending,
        is_admin, is_moderator, actor_type
    ON accounts FOR EACH ROW
    WHEN ((OLD.nickname_lower, OLD.nickname, OLD.internal, OLD.local, OLD.deactivated, OLD.approval_pending,
           OLD.confirmation_pending, OLD.is_admin, OLD.is_moderator, OLD.actor_type)
      IS DISTINCT FROM (NEW.nickname_lower, NEW.nickname, NEW.internal, NEW.local, NEW.deactivated,
           NEW.approval_pending, NEW.confirmation_pending, NEW.is_admin, NEW.is_moderator, NEW.actor_type))
    EXECUTE FUNCTION account_tags_follow();
