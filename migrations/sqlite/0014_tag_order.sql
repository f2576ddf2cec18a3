-- Tag filters of GET /users in list order (BENCHMARKS.md): the tagged accounts were not in nickname
-- order in any index, so a tag page sorted every tagged account (one lookup each into accounts, ~2.5 µs)
-- and a tag count under other filters looked each one up too. account_tags now carries a copy of its
-- account's list-order key and filter columns, kept by triggers, and one covering index in list
-- order per tag: a tag page walks that index and stops when full, and its count reads it alone.
ALTER TABLE account_tags ADD COLUMN nickname_lower TEXT NOT NULL DEFAULT '';
ALTER TABLE account_tags ADD COLUMN nickname TEXT NOT NULL DEFAULT '';
ALTER TABLE account_tags ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;
ALTER TABLE account_tags ADD COLUMN local INTEGER NOT NULL DEFAULT 1;
ALTER TABLE account_tags ADD COLUMN deactivated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE account_tags ADD COLUMN approval_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE account_tags ADD COLUMN confirmation_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE account_tags ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE account_tags ADD COLUMN is_moderator INTEGER NOT NULL DEFAULT 0;
ALTER TABLE account_tags ADD COLUMN actor_type TEXT NOT NULL DEFAULT 'Person';

UPDATE account_tags SET nickname_lower = a.nickname_lower, nickname = a.nickname, internal = a.internal,
    local = a.local, deactivated = a.deactivated, approval_pending = a.approval_pending,
    confirmation_pending = a.confirmation_pending, is_admin = a.is_admin, is_moderator = a.is_moderator,
    actor_type = a.actor_type
FROM accounts a WHERE a.id = account_tags.account_id;

DROP INDEX account_tags_tag;
CREATE INDEX account_tags_order ON account_tags (tag, nickname_lower, nickname, account_id, internal, local,
    deactivated, approval_pending, confirmation_pending, is_admin, is_moderator, actor_type);

CREATE TRIGGER account_tags_copy AFTER INSERT ON account_tags BEGIN
    UPDATE account_tags SET nickname_lower = a.nickname_lower, nickname = a.nickname, internal = a.internal,
        local = a.local, deactivated = a.deactivated, approval_pending = a.approval_pending,
        confirmation_pending = a.confirmation_pending, is_admin = a.is_admin, is_moderator = a.is_moderator,
        actor_type = a.actor_type
    FROM accounts a
    WHERE a.id = NEW.account_id AND account_tags.account_id = NEW.account_id AND account_tags.tag = NEW.tag;
END;

CREATE TRIGGER account_tags_follow
AFTER UPDATE OF nickname_lower, nickname, internal, local, deactivated, approval_pending, confirmation_pending,
    is_admin, is_moderator, actor_type
ON accounts BEGIN
    UPDATE account_tags SET nickname_lower = NEW.nickname_lower, nickname = NEW.nickname, internal = NEW.internal,
        local = NEW.local, deactivated = NEW.deactivated, approval_pending = NEW.approval_pending,
        confirmation_pending = NEW.confirmation_pending, is_admin = NEW.is_admin, is_moderator = NEW.is_moderator,
        actor_type = NEW.actor_type
    WHERE account_id = NEW.id;
END;
