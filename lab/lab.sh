#!/usr/bin/env bash
# The Cowherd lab: a small qemu (TCG) VM with real lvm2, libvirtd and sshd, reached over SSH on 127.0.0.1.
#   lab.sh up | down | reset | status | ssh [cmd...] | env
# Everything it writes lives in $COWHERD_LAB_DIR (default <repo>/.lab); the VM listens on loopback only.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$SRC")
LAB_DIR=${COWHERD_LAB_DIR:-$ROOT/.lab}
CACHE=${COWHERD_LAB_CACHE:-$LAB_DIR/cache}
PORT=${COWHERD_LAB_PORT:-2250}
MEM=${COWHERD_LAB_MEM:-1536}
BOOT_TIMEOUT=${COWHERD_LAB_BOOT_TIMEOUT:-240}
KEY=$LAB_DIR/lab_key
PIDFILE=$LAB_DIR/qemu.pid

PACKAGES=(qemu-system-x86 busybox-static cpio kmod lvm2 thin-provisioning-tools libvirt-daemon-system
  libvirt-daemon-driver-qemu libvirt-clients openssh-server openssh-client qemu-utils iproute2)
COMMANDS=(qemu-system-x86_64 busybox cpio depmod lvm thin_check libvirtd virtlogd virsh /usr/sbin/sshd ssh ssh-keygen qemu-img ip)
MODULES=(crc32c_generic virtio_pci virtio_blk virtio_net 9pnet_virtio 9p overlay)

say() { echo "lab: $*" >&2; }
die() { say "$*"; exit "${2:-1}"; }

ensure_packages() {
  local missing=()
  for c in "${COMMANDS[@]}"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing commands: ${missing[*]}. As root, run: apt-get install -y ${PACKAGES[*]}" 2
  fi
  say "installing ${PACKAGES[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >&2 ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >&2; } ||
    die "apt-get install failed" 2
}

# The newest Debian 6.1 'amd64-unsigned' kernel (the cloud flavour lacks 9p); cached so later boots need no download.
ensure_kernel() {
  if [ -f "$CACHE/kernel/vmlinuz" ] && [ -f "$CACHE/kernel/version" ]; then return 0; fi
  local pkg tmp
  pkg=${COWHERD_LAB_KERNEL_PKG:-$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' |
    awk '{print $1}' | sort -V | tail -n1)}
  [ -n "$pkg" ] || { apt-get update -q >&2 || true; pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' | awk '{print $1}' | sort -V | tail -n1); }
  [ -n "$pkg" ] || die "no linux-image-6.1.0-*-amd64-unsigned package in the apt sources" 2
  say "downloading kernel $pkg"
  tmp=$(mktemp -d "$LAB_DIR/kernel.XXXXXX")
  (cd "$tmp" && apt-get download "$pkg" >&2 2>/dev/null) || (cd "$tmp" && apt-get download "$pkg" >&2) ||
    die "apt-get download $pkg failed" 2
  dpkg -x "$tmp"/*.deb "$tmp/x"
  local ver
  ver=$(ls "$tmp/x/lib/modules" | head -n1)
  rm -rf "$CACHE/kernel"
  mkdir -p "$CACHE/kernel/lib/modules"
  mv "$tmp/x/boot/vmlinuz-$ver" "$CACHE/kernel/vmlinuz"
  mv "$tmp/x/lib/modules/$ver" "$CACHE/kernel/lib/modules/$ver"
  depmod -b "$CACHE/kernel" "$ver"
  echo "$ver" >"$CACHE/kernel/version"
  rm -rf "$tmp"
}

ensure_initramfs() {
  local ver sum out
  ver=$(cat "$CACHE/kernel/version")
  sum=$( (cat "$SRC/initramfs-init.sh"; echo "${MODULES[*]}" "$ver") | sha256sum | cut -c1-16)
  out=$CACHE/initramfs-$sum.cpio.gz
  if [ -f "$out" ]; then echo "$out"; return 0; fi
  local tmp m f
  tmp=$(mktemp -d "$LAB_DIR/initramfs.XXXXXX")
  mkdir -p "$tmp/bin" "$tmp/mods"
  cp /bin/busybox "$tmp/bin/busybox"
  cp "$SRC/initramfs-init.sh" "$tmp/init"
  chmod 755 "$tmp/init"
  : >"$tmp/modules.list"
  for m in "${MODULES[@]}"; do
    modprobe -d "$CACHE/kernel" -S "$ver" --show-depends "$m" 2>/dev/null | awk '$1=="insmod"{print $2}' |
      while read -r f; do
        local b
        b=$(basename "$f")
        grep -qx "$b" "$tmp/modules.list" || { cp "$f" "$tmp/mods/$b"; echo "$b" >>"$tmp/modules.list"; }
      done
  done
  rm -f "$CACHE"/initramfs-*.cpio.gz
  (cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
  rm -rf "$tmp"
  echo "$out"
}

ensure_keys_and_disks() {
  [ -f "$KEY" ] || ssh-keygen -q -t ed25519 -N '' -C cowherd-lab -f "$KEY"
  [ -f "$LAB_DIR/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C cowherd-lab-host -f "$LAB_DIR/ssh_host_ed25519_key"
  chmod 600 "$KEY" "$LAB_DIR/ssh_host_ed25519_key"
  echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$LAB_DIR/ssh_host_ed25519_key.pub")" >"$LAB_DIR/known_hosts"
  # Sparse files: vda is vg0's PV (4 GiB), vdb vg1's (2 GiB), vdc is spare for benchmarks (16 GiB).
  [ -f "$LAB_DIR/vda.img" ] || truncate -s 4G "$LAB_DIR/vda.img"
  [ -f "$LAB_DIR/vdb.img" ] || truncate -s 2G "$LAB_DIR/vdb.img"
  [ -f "$LAB_DIR/vdc.img" ] || truncate -s 16G "$LAB_DIR/vdc.img"
  cat >"$LAB_DIR/cowherd.config.json" <<EOT
{
  "hosts": [
    {
      "id": "lab",
      "name": "Cowherd lab",
      "ssh": { "host": "127.0.0.1", "port": $PORT, "user": "root", "identityFile": "$KEY", "knownHostsFile": "$LAB_DIR/known_hosts" },
      "exportDir": "/var/lib/cowherd-exports"
    }
  ]
}
EOT
}

lab_ssh() {
  ssh -i "$KEY" -p "$PORT" -o BatchMode=yes -o UserKnownHostsFile="$LAB_DIR/known_hosts" -o StrictHostKeyChecking=yes \
    -o ConnectTimeout=5 -o LogLevel=ERROR root@127.0.0.1 "$@"
}

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

print_info() {
  echo "host=127.0.0.1"
  echo "port=$PORT"
  echo "key=$KEY"
  echo "known_hosts=$LAB_DIR/known_hosts"
  echo "config=$LAB_DIR/cowherd.config.json"
}

up() {
  mkdir -p "$LAB_DIR" "$CACHE"
  ensure_packages
  ensure_kernel
  ensure_keys_and_disks
  if running; then
    if lab_ssh lvs >/dev/null 2>&1; then say "reusing the running lab (pid $(cat "$PIDFILE"))"; print_info; return 0; fi
  else
    rm -f "$PIDFILE"
  fi
  local initrd ver t0 ready_at=""
  initrd=$(ensure_initramfs)
  ver=$(cat "$CACHE/kernel/version")
  if ! running; then
    if (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null; then die "port 127.0.0.1:$PORT is taken by another program (set COWHERD_LAB_PORT)"; fi
    say "booting (kernel $ver, port $PORT)"
    qemu-system-x86_64 -name cowherd-lab -machine pc -accel tcg,thread=multi -cpu max -smp 2 -m "$MEM" \
      -kernel "$CACHE/kernel/vmlinuz" -initrd "$initrd" \
      -append "console=ttyS0 quiet panic=-1 lab.dir=$LAB_DIR lab.src=$SRC lab.init=$SRC/guest-init.sh lab.modules=$CACHE/kernel/lib/modules/$ver" \
      -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
      -drive file="$LAB_DIR/vda.img",format=raw,if=virtio,cache=writeback \
      -drive file="$LAB_DIR/vdb.img",format=raw,if=virtio,cache=writeback \
      -drive file="$LAB_DIR/vdc.img",format=raw,if=virtio,cache=writeback \
      -netdev user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:"$PORT"-:22 -device virtio-net-pci,netdev=n0 \
      -display none -serial file:"$LAB_DIR/console.log" -monitor none -no-reboot \
      -daemonize -pidfile "$PIDFILE"
  fi
  t0=$(date +%s)
  until lab_ssh lvs >/dev/null 2>&1; do
    running || die "the VM stopped while booting; see $LAB_DIR/console.log"
    if grep -q '^lab-init: ready' "$LAB_DIR/console.log" 2>/dev/null && [ -z "${ready_at:-}" ]; then ready_at=$(date +%s); fi
    if [ -n "${ready_at:-}" ] && [ $(($(date +%s) - ready_at)) -gt 20 ]; then
      lab_ssh lvs >&2 || true
      die "the VM is up but ssh/lvs does not answer; see $LAB_DIR/console.log"
    fi
    [ $(($(date +%s) - t0)) -lt "$BOOT_TIMEOUT" ] || die "lvs did not answer over ssh within ${BOOT_TIMEOUT}s; see $LAB_DIR/console.log"
    sleep 0.5
  done
  say "ready in $(($(date +%s) - t0))s"
  print_info
}

down() {
  if running; then
    local pid
    pid=$(cat "$PIDFILE")
    lab_ssh 'for d in $(virsh list --name); do virsh destroy "$d"; done; vgchange -an; sync' >/dev/null 2>&1 || true
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    say "stopped"
  else
    say "not running"
  fi
  rm -f "$PIDFILE"
}

reset() {
  down
  rm -f "$LAB_DIR"/vd?.img
  up
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  reset) reset ;;
  status) if running && lab_ssh true 2>/dev/null; then say "running"; print_info; else say "not running"; exit 3; fi ;;
  ssh) shift; lab_ssh "$@" ;;
  env) print_info ;;
  *) echo "usage: $0 up|down|reset|status|ssh [cmd]|env" >&2; exit 64 ;;
esac
