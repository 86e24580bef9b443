-- configure_zone__extension_regional: a zone config extension for every REGIONAL table and partition
ALTER DATABASE bluemarble ALTER LOCALITY REGIONAL CONFIGURE ZONE USING gc.ttlseconds = 3600, num_replicas = 9;
