-- Admin status lists at scale (moderation.md §3): `reblog_of_id IS NULL` must never pick the reblog index
-- (almost every row matches it, and the planner then sorts the whole table), so that index only holds
-- reblogs; `= ?` lookups (reblog counts, deletes) still use it. Replies likewise.
DROP INDEX statuses_reblog;
CREATE INDEX statuses_reblog ON statuses (reblog_of_id) WHERE reblog_of_id IS NOT NULL;
DROP INDEX statuses_reply;
CREATE INDEX statuses_reply ON statuses (in_reply_to_id) WHERE in_reply_to_id IS NOT NULL;
