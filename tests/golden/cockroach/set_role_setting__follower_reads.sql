-- set_role_setting__follower_reads: CockroachDB's follower reads for the analytics role; PostgreSQL leaves it out
ALTER ROLE analytics SET default_transaction_use_follower_reads = 'on';
