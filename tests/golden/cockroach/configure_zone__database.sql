-- configure_zone__database: the database's own zone
ALTER DATABASE bluemarble CONFIGURE ZONE USING gc.ttlseconds = 90000;
