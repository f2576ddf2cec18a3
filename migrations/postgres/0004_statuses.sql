-- Statuses (moderation.md §3, client-api.md §4):
-- 1. hosts are compared lowercase, so stored lowercase and the (host, id) index serves instance lists;
-- 2. replies_count is computed from this index;
-- 3. the default admin list (public collection, no reblogs, newest first) reads this partial index.
UPDATE statuses SET host = lower(host);
CREATE INDEX statuses_reply ON statuses (in_reply_to_id);
CREATE INDEX statuses_public ON statuses (id) WHERE reblog_of_id IS NULL AND visibility IN ('public', 'unlisted');
