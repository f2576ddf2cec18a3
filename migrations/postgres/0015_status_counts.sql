-- GET /stats at a million statuses (BENCHMARKS.md): counting every non-reblog status by visibility per
-- request read all of statuses_stats (0.85 s). status_counts holds the number of non-reblog statuses
-- per (host, visibility), kept by triggers, so the whole-instance answer sums a few hundred rows and
-- `instance=` reads four. Statuses of internal authors are counted here too and subtracted when read
-- (there are few such authors and they post little), which keeps these triggers on statuses alone:
-- no account change (an author turning internal, a cascade delete) can leave the counters wrong.
--
-- As for report_counts (0013), the triggers run once per statement over its transition tables: a row
-- trigger would update the same counter row once per status, and inside one transaction PostgreSQL
-- keeps every version of that row.
CREATE TABLE status_counts (
    host TEXT COLLATE "C" NOT NULL,
    visibility TEXT COLLATE "C" NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (host, visibility)
);

INSERT INTO status_counts (host, visibility, n)
SELECT host, visibility, COUNT(*) FROM statuses WHERE reblog_of_id IS NULL GROUP BY host, visibility;

CREATE FUNCTION status_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO status_counts (host, visibility, n)
        SELECT host, visibility, COUNT(*) FROM new_rows WHERE reblog_of_id IS NULL GROUP BY host, visibility
        ON CONFLICT (host, visibility) DO UPDATE SET n = status_counts.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE status_counts c SET n = c.n - d.n
        FROM (SELECT host, visibility, COUNT(*) AS n FROM old_rows WHERE reblog_of_id IS NULL
              GROUP BY host, visibility) d
        WHERE c.host = d.host AND c.visibility = d.visibility;
    ELSE
        INSERT INTO status_counts (host, visibility, n)
        SELECT host, visibility, SUM(d) FROM (
            SELECT host, visibility, 1 AS d FROM new_rows WHERE reblog_of_id IS NULL
            UNION ALL
            SELECT host, visibility, -1 AS d FROM old_rows WHERE reblog_of_id IS NULL
        ) moved
        GROUP BY host, visibility HAVING SUM(d) <> 0
        ON CONFLICT (host, visibility) DO UPDATE SET n = status_counts.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER status_counts_insert AFTER INSERT ON statuses
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION status_counts_track();
CREATE TRIGGER status_counts_delete AFTER DELETE ON statuses
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION status_counts_track();
-- Transition tables rule out `UPDATE OF`; updates that keep host, visibility and reblog add nothing.
CREATE TRIGGER status_counts_update AFTER UPDATE ON statuses
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION status_counts_track();
