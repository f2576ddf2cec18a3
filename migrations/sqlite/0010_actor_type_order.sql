-- Actor-type filters (`actor_types[]=Service`) walk this index in list order and stop after a page,
-- instead of fetching and sorting every account of that type (thousands at 1M accounts).
-- The plain actor_type index stays for the IN lists of several types.
CREATE INDEX accounts_order_actor_type ON accounts (actor_type, nickname_lower, nickname, id) WHERE NOT internal;
