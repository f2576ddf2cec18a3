-- GET /stats at a million statuses (BENCHMARKS.md): counting every non-reblog status by visibility per
-- request read all of statuses_stats (0.85 s). status_counts holds the number of non-reblog statuses
-- per (host, visibility), kept by triggers, so the whole-instance answer sums a few hundred rows and
-- `instance=` reads four. Statuses of internal authors are counted here too and subtracted when read
-- (there are few such authors and they post little), which keeps these triggers on statuses alone:
-- no account change (an author turning internal, a cascade delete) can leave the counters wrong.
CREATE TABLE status_counts (
    host TEXT NOT NULL,
    visibility TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (host, visibility)
) WITHOUT ROWID;

INSERT INTO status_counts (host, visibility, n)
SELECT host, visibility, COUNT(*) FROM statuses WHERE reblog_of_id IS NULL GROUP BY host, visibility;

CREATE TRIGGER status_counts_insert AFTER INSERT ON statuses WHEN NEW.reblog_of_id IS NULL BEGIN
    INSERT INTO status_counts (host, visibility, n) VALUES (NEW.host, NEW.visibility, 1)
    ON CONFLICT (host, visibility) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER status_counts_delete AFTER DELETE ON statuses WHEN OLD.reblog_of_id IS NULL BEGIN
    UPDATE status_counts SET n = n - 1 WHERE host = OLD.host AND visibility = OLD.visibility;
END;

CREATE TRIGGER status_counts_update AFTER UPDATE OF host, visibility, reblog_of_id ON statuses BEGIN
    UPDATE status_counts SET n = n - 1
    WHERE OLD.reblog_of_id IS NULL AND host = OLD.host AND visibility = OLD.visibility;
    INSERT INTO status_counts (host, visibility, n) SELECT NEW.host, NEW.visibility, 1
    WHERE NEW.reblog_of_id IS NULL
    ON CONFLICT (host, visibility) DO UPDATE SET n = n + 1;
END;
