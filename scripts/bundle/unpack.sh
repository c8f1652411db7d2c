#!/usr/bin/env bash
# Receives one carried part of a bundle made by scripts/bundle/pack.mjs, on a machine without node.
#
#   bash unpack.sh <dir-with-part-and-manifest> [dest=/opt/trtn-bundle]
#
# Verifies the part's sha256 against manifest.json (carried beside it) and keeps it in dest/parts/<id>/.
# Once every part is there it checks the whole archive's sha256, extracts it into dest/bundles/<id>/, points
# dest/current at it and prints `BUNDLE COMPLETE <id>`; until then it prints `BUNDLE PARTIAL k/n` and the
# missing parts. Safe to re-run. Exit status: 0 complete or partial, 1 a part was rejected or extraction
# failed, 2 bad usage. Needs: bash, sha256sum, cat, tar, and xz or python3 (for .xz archives).
set -u

die() { echo "unpack: $*" >&2; exit 2; }

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: bash unpack.sh <dir-with-part> [dest=/opt/trtn-bundle]"
src=$1
dest=${2:-/opt/trtn-bundle}
if [ -f "$src" ]; then src=$(dirname -- "$src"); fi
[ -d "$src" ] || die "$src is not a folder"
manifest=$src/manifest.json
[ -f "$manifest" ] || die "no manifest.json beside the part in $src (pack.mjs writes one into each part folder)"

# Prints: "id ID", "compression C", "total SHA SIZE", then "part NAME SHA SIZE" per part.
read_manifest() {
  if [ "${TRTN_UNPACK_NO_PYTHON:-}" != 1 ] && command -v python3 >/dev/null 2>&1; then
    python3 - "$1" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print("id", m["id"])
print("compression", m["compression"])
print("total", m["archive"]["sha256"], m["archive"]["size"])
for p in m["parts"]:
    print("part", p["name"], p["sha256"], p["size"])
PY
  else
    # pack.mjs writes "id", "compression" and the archive on their own lines and one part object per line.
    sed -n 's/^ "id": "\([^"]*\)".*/id \1/p; s/^ "compression": "\([^"]*\)".*/compression \1/p' "$1"
    sed -n 's/^ "archive": {.*"size":\([0-9]*\).*"sha256":"\([0-9a-f]*\)".*/total \2 \1/p' "$1"
    grep -o '{"index":[0-9]*,"name":"[^"]*","size":[0-9]*,"sha256":"[0-9a-f]*"}' "$1" \
      | sed 's/.*"name":"\([^"]*\)","size":\([0-9]*\),"sha256":"\([0-9a-f]*\)".*/part \1 \3 \2/'
  fi
}

info=$(read_manifest "$manifest") || die "cannot read $manifest"
id=$(printf '%s\n' "$info" | sed -n 's/^id //p')
compression=$(printf '%s\n' "$info" | sed -n 's/^compression //p')
total_sha=$(printf '%s\n' "$info" | sed -n 's/^total \([^ ]*\) .*/\1/p')
parts=$(printf '%s\n' "$info" | sed -n 's/^part //p')
n=$(printf '%s\n' "$parts" | grep -c .)
case "$id" in ''|*[!0-9A-Za-z._-]*) die "manifest $manifest has no usable bundle id";; esac
[ -n "$total_sha" ] && [ "$n" -gt 0 ] || die "manifest $manifest lists no parts or no archive sha256"

store=$dest/parts/$id
mkdir -p "$store" || die "cannot create $store (is $dest writable?)"
cp -f "$manifest" "$store/manifest.json"
status=0

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# Take in the carried part(s).
while read -r name sha size; do
  [ -f "$src/$name" ] || continue
  got=$(sha_of "$src/$name")
  if [ "$got" != "$sha" ]; then
    echo "REJECTED $name: sha256 $got does not match the manifest's $sha ($(wc -c <"$src/$name") bytes, expected $size); carry it again"
    status=1
    continue
  fi
  if [ -f "$store/$name" ] && [ "$(sha_of "$store/$name")" = "$sha" ]; then
    echo "part $name already present"
    continue
  fi
  cp -f "$src/$name" "$store/$name.tmp" && mv -f "$store/$name.tmp" "$store/$name" || { echo "REJECTED $name: copy into $store failed"; status=1; continue; }
  echo "part $name verified ($size bytes)"
done <<EOF
$parts
EOF

if [ -f "$dest/bundles/$id/.complete" ]; then
  ln -sfn "bundles/$id" "$dest/current"
  echo "BUNDLE COMPLETE $id"
  echo "extracted in $dest/bundles/$id (also $dest/current)"
  exit $status
fi

# Count what is there, re-checking parts stored by earlier calls (a half-finished copy must not count).
present=0
missing=""
while read -r name sha size; do
  if [ -f "$store/$name" ]; then
    if [ "$(sha_of "$store/$name")" = "$sha" ]; then present=$((present + 1)); continue; fi
    echo "REJECTED stored $name: sha256 mismatch, removed; carry it again"
    rm -f "$store/$name"
    status=1
  fi
  missing="$missing $name"
done <<EOF
$parts
EOF

if [ "$present" -lt "$n" ]; then
  echo "BUNDLE PARTIAL $present/$n"
  echo "missing:$missing"
  exit $status
fi

ordered() { printf '%s\n' "$parts" | while read -r name _; do printf '%s\n' "$store/$name"; done; }
joined_sha=$(ordered | xargs cat | sha256sum | cut -d' ' -f1)
if [ "$joined_sha" != "$total_sha" ]; then
  echo "REJECTED bundle $id: the joined parts hash to $joined_sha, the manifest says $total_sha (parts from different packs?)"
  exit 1
fi

decompress() {
  case "$compression" in
    xz)
      if command -v xz >/dev/null 2>&1; then xz -dc
      else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.stdin.buffer), sys.stdout.buffer, 1 << 20)'; fi ;;
    gzip)
      if command -v gzip >/dev/null 2>&1; then gzip -dc
      else python3 -c 'import gzip, shutil, sys; shutil.copyfileobj(gzip.open(sys.stdin.buffer), sys.stdout.buffer, 1 << 20)'; fi ;;
    zstd)
      command -v zstd >/dev/null 2>&1 || { echo "unpack: this bundle is zstd-compressed but zstd is not installed here; repack with --compression xz" >&2; return 1; }
      zstd -dc ;;
    *) echo "unpack: unknown compression '$compression'" >&2; return 1 ;;
  esac
}

staging=$dest/bundles/$id.partial
rm -rf "$staging"
mkdir -p "$staging"
if ! ordered | xargs cat | decompress | tar -xf - -C "$staging" --no-same-owner; then
  echo "REJECTED bundle $id: extraction failed (disk full? see the messages above)"
  rm -rf "$staging"
  exit 1
fi
cp -f "$store/manifest.json" "$staging/manifest.json"
touch "$staging/.complete"
rm -rf "$dest/bundles/$id"
mv "$staging" "$dest/bundles/$id"
ln -sfn "bundles/$id" "$dest/current"
echo "BUNDLE COMPLETE $id"
echo "extracted in $dest/bundles/$id (also $dest/current)"
exit $status
