-- The report queue at 100,000 reports (BENCHMARKS.md): every queue load showed a total and the panel
-- four tab counts, each a COUNT(*) over an index range as long as the state (all reports for "All").
-- report_counts holds the number of reports per state, kept by triggers, so these counts read one or
-- three rows. Counts under account filters or id bounds still count rows (short index ranges).
--
-- The triggers run once per statement over its transition tables, not once per row: a row trigger
-- would update the same counter row once per report, and inside one transaction PostgreSQL keeps
-- every version of that row (a 70,000-row insert took a minute instead of a second).
CREATE TABLE report_counts (
    state TEXT COLLATE "C" PRIMARY KEY,
    n BIGINT NOT NULL
);

INSERT INTO report_counts SELECT state, COUNT(*) FROM reports GROUP BY state;

CREATE FUNCTION report_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO report_counts (state, n)
        SELECT state, COUNT(*) FROM new_rows GROUP BY state
        ON CONFLICT (state) DO UPDATE SET n = report_counts.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE report_counts c SET n = c.n - d.n
        FROM (SELECT state, COUNT(*) AS n FROM old_rows GROUP BY state) d
        WHERE c.state = d.state;
    ELSE
        INSERT INTO report_counts (state, n)
        SELECT state, SUM(d) FROM (
            SELECT state, 1 AS d FROM new_rows
            UNION ALL
            SELECT state, -1 AS d FROM old_rows
        ) moved
        GROUP BY state HAVING SUM(d) <> 0
        ON CONFLICT (state) DO UPDATE SET n = report_counts.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER report_counts_insert AFTER INSERT ON reports
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_counts_track();
CREATE TRIGGER report_counts_delete AFTER DELETE ON reports
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_counts_track();
-- Transition tables rule out `UPDATE OF state`; updates that keep the state add nothing.
CREATE TRIGGER report_counts_update AFTER UPDATE ON reports
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_counts_track();
