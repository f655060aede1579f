#!/usr/bin/env bash
# Restore a dump made by deploy/backup.sh into DATABASE_URL's database, replacing
# what is there. Stop the web service and the workers first; then run
# `helpline db upgrade` (a dump from an older version is migrated) and start them.
#   deploy/restore.sh /var/backups/helpline/helpline-20261202T031500Z.dump
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL is not set}"
dump=${1:?usage: restore.sh DUMP_FILE}
url=${DATABASE_URL/+psycopg/}
pg_restore --clean --if-exists --no-owner --single-transaction --dbname "$url" "$dump"
echo "restored $dump"
