-- The few internal accounts (relay actor and the like) in an index of their own: a search count
-- taken from the trigram index subtracts the internal matches without scanning accounts.
CREATE INDEX accounts_internal ON accounts (seq) WHERE internal;
