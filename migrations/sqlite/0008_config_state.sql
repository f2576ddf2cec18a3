-- Config-store state every steward process on this database shares (config.md §7, README
-- "Settings"): whether reboot-time settings wait for `GET /restart`, and the reboot-time settings
-- in force (JSON), captured when a server starts and by `GET /restart`. One row; writes to the
-- config store lock it first, so they apply one after another.
CREATE TABLE config_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    need_reboot INTEGER NOT NULL DEFAULT 0,
    reboot_settings TEXT
);

INSERT INTO config_state (id, need_reboot) VALUES (1, 0);
