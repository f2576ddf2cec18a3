-- The few internal accounts (relay actor and the like) in an index of their own, as on SQLite,
-- where search counts subtract them; here it serves lookups of internal actors.
CREATE INDEX accounts_internal ON accounts (id) WHERE internal;
