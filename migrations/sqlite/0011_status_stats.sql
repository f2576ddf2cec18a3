-- GET /stats (moderation.md §4) counts non-reblog statuses by visibility, optionally of one host, and
-- checks each author against the internal accounts. This partial index holds exactly those rows and
-- every column the count reads: `instance=` reads one host's range of it instead of every status of
-- that host, and the whole-instance count reads it instead of the table (still every entry: the
-- per-visibility counters that would make it constant are described in BENCHMARKS.md).
-- reblog_of_id (always NULL here) is a key column so that SQLite sees the index as covering.
CREATE INDEX statuses_stats ON statuses (host, visibility, account_id, reblog_of_id) WHERE reblog_of_id IS NULL;
