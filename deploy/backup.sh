#!/usr/bin/env bash
# One backup of Linli: the database (pg_dump, or SQLite's online backup) and the uploaded
# files, checked after writing, kept LINLI_BACKUP_KEEP_DAYS days. Run with the environment
# of /etc/linli/linli.env (deploy/systemd/linli-backup.service does). Backups hold personal
# data: they are written owner-only; copy them off the machine encrypted (docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077

dir="${LINLI_BACKUP_DIR:-var/backups}"
keep="${LINLI_BACKUP_KEEP_DAYS:-14}"
stamp="$(date +%Y%m%d-%H%M%S)"
mkdir -p "$dir"

# Ask Django which database it uses, so DATABASE_URL(_FILE) is read exactly as settings do.
read -r engine name var_dir < <(DJANGO_SETTINGS_MODULE=linli.settings .venv/bin/python -c '
from django.conf import settings
db = settings.DATABASES["default"]
print(db["ENGINE"].rsplit(".", 1)[-1], db["NAME"], settings.VAR_DIR)')

if [ "$engine" = "postgresql" ]; then
  url="${DATABASE_URL:-$(cat "${DATABASE_URL_FILE:?DATABASE_URL or DATABASE_URL_FILE}")}"
  out="$dir/linli-$stamp.dump"
  pg_dump --format=custom --no-owner --file="$out" "$url"
  pg_restore --list "$out" >/dev/null
else
  out="$dir/linli-$stamp.sqlite3"
  # The online backup API copies a consistent snapshot while the site keeps writing (WAL).
  .venv/bin/python - "$name" "$out" <<'PY'
import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with dst:
    src.backup(dst)
assert dst.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
PY
fi

if [ -d "$var_dir/media" ]; then
  tar -czf "$dir/linli-media-$stamp.tar.gz" -C "$var_dir" media
fi

find "$dir" -maxdepth 1 -name 'linli-*' -type f -mtime "+$keep" -delete
echo "backup: $out ($(du -h "$out" | cut -f1))"
