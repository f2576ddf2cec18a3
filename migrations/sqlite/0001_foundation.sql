-- Accounts, local and remote. Booleans are 0/1 INTEGERs (the sqlx Any driver cannot map SQLite BOOLEAN); times are Unix milliseconds, so ordering and
-- comparison never depend on the engine's date or collation rules.
CREATE TABLE accounts (
    -- A stable integer key for the full-text search index (SQLite may renumber implicit rowids on VACUUM).
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    nickname TEXT NOT NULL,
    nickname_lower TEXT NOT NULL,
    local INTEGER NOT NULL,
    domain TEXT,
    internal INTEGER NOT NULL DEFAULT 0,
    email TEXT,
    email_lower TEXT,
    password_hash TEXT,
    display_name TEXT,
    display_name_lower TEXT,
    bio TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL DEFAULT '[]',
    avatar_url TEXT,
    banner_url TEXT,
    background_url TEXT,
    ap_id TEXT NOT NULL,
    profile_url TEXT,
    actor_type TEXT NOT NULL DEFAULT 'Person',
    is_admin INTEGER NOT NULL DEFAULT 0,
    is_moderator INTEGER NOT NULL DEFAULT 0,
    deactivated INTEGER NOT NULL DEFAULT 0,
    approval_pending INTEGER NOT NULL DEFAULT 0,
    confirmation_pending INTEGER NOT NULL DEFAULT 0,
    confirmation_token TEXT,
    password_reset_pending INTEGER NOT NULL DEFAULT 0,
    registration_reason TEXT,
    locked INTEGER NOT NULL DEFAULT 0,
    discoverable INTEGER NOT NULL DEFAULT 1,
    no_rich_text INTEGER NOT NULL DEFAULT 0,
    show_role INTEGER NOT NULL DEFAULT 1,
    default_scope TEXT NOT NULL DEFAULT 'public',
    preferences TEXT NOT NULL DEFAULT '{}',
    settings_store TEXT NOT NULL DEFAULT '{}',
    mfa_enabled INTEGER NOT NULL DEFAULT 0,
    totp_secret TEXT,
    mfa_backup_codes TEXT NOT NULL DEFAULT '[]',
    followers_count INTEGER NOT NULL DEFAULT 0,
    following_count INTEGER NOT NULL DEFAULT 0,
    statuses_count INTEGER NOT NULL DEFAULT 0,
    last_status_at INTEGER,
    last_active_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX accounts_nickname_lower ON accounts (nickname_lower);
CREATE UNIQUE INDEX accounts_email_lower ON accounts (email_lower) WHERE email_lower IS NOT NULL;
CREATE INDEX accounts_order ON accounts (nickname_lower, nickname, id);
CREATE INDEX accounts_created ON accounts (created_at);

CREATE TABLE account_tags (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (account_id, tag)
);
CREATE INDEX account_tags_tag ON account_tags (tag, account_id);

CREATE TABLE follows (
    follower_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    followed_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    accepted INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (follower_id, followed_id)
);
CREATE INDEX follows_followed ON follows (followed_id);

-- OAuth applications; the built-in panel app has internal = 1 and is never listed.
CREATE TABLE apps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    client_id TEXT NOT NULL UNIQUE,
    client_secret TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    scopes TEXT NOT NULL,
    website TEXT,
    trusted INTEGER NOT NULL DEFAULT 0,
    internal INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

-- Access tokens (OAuth and panel sessions). Only SHA-256 digests of secrets are stored.
CREATE TABLE tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    refresh_hash TEXT UNIQUE,
    app_id INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    account_id TEXT REFERENCES accounts (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX tokens_account ON tokens (account_id);

CREATE TABLE oauth_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    app_id INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT,
    code_challenge_method TEXT,
    expires_at INTEGER NOT NULL
);

-- Second step of a login for accounts with MFA: what the first step proved, valid five minutes.
CREATE TABLE mfa_challenges (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    app_id INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    purpose TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE password_reset_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    used INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

-- Fixed-window counters shared by every process using this database.
CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY NOT NULL,
    window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL
);

-- The config store (config.md): values are stored in their JSON form.
CREATE TABLE config (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    config_group TEXT NOT NULL,
    config_key TEXT NOT NULL,
    value TEXT NOT NULL,
    UNIQUE (config_group, config_key)
);

CREATE TABLE moderation_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id TEXT,
    action TEXT NOT NULL,
    message TEXT NOT NULL,
    message_lower TEXT NOT NULL,
    data TEXT NOT NULL,
    inserted_at INTEGER NOT NULL
);
CREATE INDEX moderation_log_time ON moderation_log (inserted_at, id);
CREATE INDEX moderation_log_actor ON moderation_log (actor_id, inserted_at);

CREATE TABLE statuses (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    local INTEGER NOT NULL,
    host TEXT NOT NULL,
    uri TEXT NOT NULL,
    url TEXT NOT NULL,
    content TEXT NOT NULL,
    source TEXT NOT NULL,
    spoiler_text TEXT NOT NULL DEFAULT '',
    visibility TEXT NOT NULL,
    sensitive INTEGER NOT NULL DEFAULT 0,
    in_reply_to_id TEXT,
    in_reply_to_account_id TEXT,
    reblog_of_id TEXT,
    conversation_id INTEGER NOT NULL DEFAULT 0,
    app_name TEXT,
    app_website TEXT,
    mentions TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL
);
CREATE INDEX statuses_account ON statuses (account_id, id);
CREATE INDEX statuses_host ON statuses (host, id);
CREATE INDEX statuses_reblog ON statuses (reblog_of_id);
CREATE INDEX statuses_created ON statuses (created_at);

CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    reporter_id TEXT,
    account_id TEXT,
    status_ids TEXT NOT NULL DEFAULT '[]',
    statuses_snapshot TEXT NOT NULL DEFAULT '[]',
    comment TEXT,
    state TEXT NOT NULL DEFAULT 'open',
    forwarded INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX reports_state ON reports (state, id);
CREATE INDEX reports_account ON reports (account_id, id);
CREATE INDEX reports_reporter ON reports (reporter_id, id);

CREATE TABLE report_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    author_id TEXT,
    content TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX report_notes_report ON report_notes (report_id, id);

CREATE TABLE invites (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token TEXT NOT NULL UNIQUE,
    used INTEGER NOT NULL DEFAULT 0,
    expires_at TEXT,
    uses INTEGER NOT NULL DEFAULT 0,
    max_use INTEGER,
    invite_type TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE relays (
    actor_url TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
