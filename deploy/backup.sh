#!/usr/bin/env bash
# A dump of the helpline database in pg_dump's custom format, named by the time,
# in BACKUP_DIR; dumps older than KEEP_DAYS are deleted. DATABASE_URL as the
# service has it (postgresql+psycopg://...). Run daily by helpline-backup.timer.
# Restore with deploy/restore.sh (tested by tests/integration/test_backup.py).
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL is not set}"
backup_dir=${BACKUP_DIR:-/var/backups/helpline}
keep_days=${KEEP_DAYS:-30}
url=${DATABASE_URL/+psycopg/}  # libpq does not know SQLAlchemy's driver part
mkdir -p "$backup_dir"
file="$backup_dir/helpline-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --no-owner --file "$file.partial" "$url"
mv "$file.partial" "$file"
find "$backup_dir" -name 'helpline-*.dump' -mtime +"$keep_days" -delete
echo "$file"
