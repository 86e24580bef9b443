-- configure_zone__override: protected fields on a multi-region table, with the explicit override
SET override_multi_region_zone_config = true;
ALTER TABLE currency_transactions CONFIGURE ZONE USING num_replicas = 5, num_voters = 5, constraints = '{"+region=eu-west-1": 1, "+region=us-west-2": 2}', voter_constraints = '[+region=us-west-2]', lease_preferences = '[[+region=us-west-2], [+region=us-east-1]]';
SET override_multi_region_zone_config = false;
