#!/bin/bash
# Seeds DEV (vg0/files) as a guest-like disk for browsing files inside a snapshot (issue 13); run by guest-init.sh.
set -u
dev=$1

printf 'label: dos\n,40MiB,83\n,,83\n' | sfdisk -q "$dev" >/dev/null || exit 1
loop=$(losetup --find --show --partscan "$dev") || exit 1
for _ in $(seq 1 50); do [ -b "${loop}p2" ] && break; sleep 0.1; done
mkfs.ext4 -q -F -L guestroot -E nodiscard "${loop}p1" &&
  TEST_DIR=/tmp TEST_DEV="${loop}p2" QA_CHECK_FS=1 mkfs.xfs -q -f -K -L guestdata "${loop}p2" || { losetup -d "$loop"; exit 1; }
m=$(mktemp -d)
mount -t ext4 "${loop}p1" "$m" && {
  mkdir -p "$m/etc/app" "$m/home/alice" "$m/var/lib" "$m/dev"
  printf 'guest01\n' >"$m/etc/hostname"
  printf '127.0.0.1 localhost\n10.0.0.5 db.internal db\n' >"$m/etc/hosts"
  printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n' >"$m/etc/passwd"
  printf '# app settings\nlisten = 0.0.0.0:8080\nworkers = 4\nlog_level = info\n' >"$m/etc/app/app.conf"
  chmod 600 "$m/etc/app/app.conf"
  ln -s /etc/shadow "$m/etc/shadow-link"
  ln -s ../../../../../../../../run/cowherd-canary "$m/etc/escape"
  printf 'Grüße aus dem Gast\n' >"$m/home/alice/Café notes ü.txt"
  truncate -s 1G "$m/var/lib/sparse.img"
  mkfifo "$m/dev/fifo0"
  mknod "$m/dev/zero0" c 1 5
  touch -d '2026-01-02 03:04:05 UTC' "$m/etc/hostname" "$m/etc/hosts" "$m/etc/passwd" "$m/etc/app/app.conf"
  umount "$m"
}
mount -t xfs "${loop}p2" "$m" && {
  mkdir -p "$m/srv/www"
  printf '<h1>guest01</h1>\n' >"$m/srv/www/index.html"
  umount "$m"
}
rmdir "$m"
losetup -d "$loop"

