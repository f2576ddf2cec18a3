-- The report queue at 100,000 reports (BENCHMARKS.md): every queue load showed a total and the panel
-- four tab counts, each a COUNT(*) over an index range as long as the state (all reports for "All").
-- report_counts holds the number of reports per state, kept by triggers, so these counts read one or
-- three rows. Counts under account filters or id bounds still count rows (short index ranges).
CREATE TABLE report_counts (
    state TEXT PRIMARY KEY NOT NULL,
    n INTEGER NOT NULL
);

INSERT INTO report_counts SELECT state, COUNT(*) FROM reports GROUP BY state;

CREATE TRIGGER report_counts_insert AFTER INSERT ON reports BEGIN
    INSERT OR IGNORE INTO report_counts VALUES (NEW.state, 0);
    UPDATE report_counts SET n = n + 1 WHERE state = NEW.state;
END;

CREATE TRIGGER report_counts_delete AFTER DELETE ON reports BEGIN
    UPDATE report_counts SET n = n - 1 WHERE state = OLD.state;
END;

CREATE TRIGGER report_counts_update AFTER UPDATE OF state ON reports WHEN OLD.state IS NOT NEW.state BEGIN
    UPDATE report_counts SET n = n - 1 WHERE state = OLD.state;
    INSERT OR IGNORE INTO report_counts VALUES (NEW.state, 0);
    UPDATE report_counts SET n = n + 1 WHERE state = NEW.state;
END;
