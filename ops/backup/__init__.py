"""Backups as plain work, with no Django in it: where files live (`stores`), the content-addressed
archive of backups in a folder or an S3 prefix (`archive`), and the database's dump and restore
(`databases`). `ops.backups` loads the site's settings and storages and hands them to these."""
