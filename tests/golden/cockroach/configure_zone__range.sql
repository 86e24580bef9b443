-- configure_zone__range: the default range
ALTER RANGE "default" CONFIGURE ZONE USING num_replicas = 5;
