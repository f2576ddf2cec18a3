-- Media proxy (operations.md §3). The banned list: original (normalised) URLs the proxy refuses,
-- keyed by their SHA-256 so any length fits the primary key; `url_lower` serves the
-- case-insensitive substring search. Listed by `url` in byte order.
CREATE TABLE media_proxy_bans (
    url_digest TEXT COLLATE "C" PRIMARY KEY,
    url TEXT COLLATE "C" NOT NULL,
    url_lower TEXT COLLATE "C" NOT NULL,
    banned_at BIGINT NOT NULL
);

-- Secrets of the instance that every steward process on the database shares (the media proxy's
-- signing key). Each is created once, by the first process that needs it.
CREATE TABLE instance_secrets (
    name TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);
