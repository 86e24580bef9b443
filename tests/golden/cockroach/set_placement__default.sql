-- set_placement__default: back to default placement
ALTER DATABASE bluemarble PLACEMENT DEFAULT;
