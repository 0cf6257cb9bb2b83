#!/usr/bin/env bash
# The Cowherd lab: a small qemu (TCG) VM with real lvm2, libvirtd and sshd, reached over SSH on 127.0.0.1.
#   lab.sh up | up2 | down | reset | status | ssh [cmd...] | ssh2 [cmd...] | env
# Everything it writes lives in $COWHERD_LAB_DIR (default <repo>/.lab); the VM listens on loopback only.
# A second host "lab2" (issue 11: backups to another host; issue 14: moving guests) is booted only when asked:
# `COWHERD_LAB_HOSTS=2 lab.sh up` or `lab.sh up2`. It lives in $COWHERD_LAB_DIR/host2 (its own disks and host key,
# the same kernel cache and recipe) on port COWHERD_LAB_PORT+1, seeds vg0 and vg1 without LVs or guests, and
# $COWHERD_LAB_DIR/cowherd.two-hosts.config.json lists both hosts (ids lab and lab2). `down` stops both.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$SRC")
LAB_DIR=${COWHERD_LAB_DIR:-$ROOT/.lab}
CACHE=${COWHERD_LAB_CACHE:-$LAB_DIR/cache}
PORT=${COWHERD_LAB_PORT:-2250}
# "primary" (the lab) or "second" (lab2, run by this script itself with its own dir and port).
ROLE=${COWHERD_LAB_ROLE:-primary}
HOSTS=${COWHERD_LAB_HOSTS:-1}
if [ "$ROLE" = second ]; then MEM=${COWHERD_LAB2_MEM:-1024}; HOST_ID=lab2; else MEM=${COWHERD_LAB_MEM:-1536}; HOST_ID=lab; fi
HOST2_DIR=$LAB_DIR/host2
BOOT_TIMEOUT=${COWHERD_LAB_BOOT_TIMEOUT:-240}
KEY=$LAB_DIR/lab_key
# Issue 16: Cowherd's configs use HELPER_KEY, restricted in the VM to the host helper (forced command); KEY stays
# unrestricted for `lab.sh ssh`, the tests' own checks and seeding.
HELPER_KEY=$LAB_DIR/helper_key
HELPER_PATH=/usr/local/libexec/cowherd-host
PIDFILE=$LAB_DIR/qemu.pid

PACKAGES=(qemu-system-x86 busybox-static cpio kmod lvm2 thin-provisioning-tools libvirt-daemon-system
  libvirt-daemon-driver-qemu libvirt-clients openssh-server openssh-client qemu-utils iproute2 qemu-guest-agent e2fsprogs
  xz-utils xfsprogs fdisk)
COMMANDS=(qemu-system-x86_64 busybox cpio depmod lvm thin_check libvirtd virtlogd virsh /usr/sbin/sshd ssh ssh-keygen qemu-img ip
  /usr/sbin/qemu-ga mkfs.ext4 xz mkfs.xfs sfdisk)
MODULES=(crc32c_generic virtio_pci virtio_blk virtio_net 9pnet_virtio 9p overlay)
# agent01's initramfs (lab/agent-init.sh): its disk, its file system and the agent's virtio-serial port.
AGENT_MODULES=(crc32c_generic virtio_pci virtio_blk virtio_console ext4)

say() { echo "lab: $*" >&2; }
die() { say "$1"; exit "${2:-1}"; }

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

# Copy a module and its dependencies (modprobe's order) into DIR/mods, listing each once in DIR/modules.list.
copy_modules() {
  local dir=$1 ver=$2 m f b
  shift 2
  : >"$dir/modules.list"
  for m in "$@"; do
    modprobe -d "$CACHE/kernel" -S "$ver" --show-depends "$m" 2>/dev/null | awk '$1=="insmod"{print $2}' |
      while read -r f; do
        b=$(basename "$f")
        grep -qx "$b" "$dir/modules.list" || { cp "$f" "$dir/mods/$b"; echo "$b" >>"$dir/modules.list"; }
      done
  done
}

ensure_initramfs() {
  local ver sum out
  ver=$(cat "$CACHE/kernel/version")
  sum=$( (cat "$SRC/initramfs-init.sh"; echo "${MODULES[*]}" "$ver") | sha256sum | cut -c1-16)
  out=$CACHE/initramfs-$sum.cpio.gz
  if [ -f "$out" ]; then echo "$out"; return 0; fi
  local tmp
  tmp=$(mktemp -d "$LAB_DIR/initramfs.XXXXXX")
  mkdir -p "$tmp/bin" "$tmp/mods"
  cp /bin/busybox "$tmp/bin/busybox"
  cp "$SRC/initramfs-init.sh" "$tmp/init"
  chmod 755 "$tmp/init"
  copy_modules "$tmp" "$ver" "${MODULES[@]}"
  rm -f "$CACHE"/initramfs-*.cpio.gz
  (cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
  rm -rf "$tmp"
  echo "$out"
}

# agent01's kernel: the lab's own, uncompressed. Decompressing the 8 MB bzImage under nested emulation took longer
# than the kernel's whole boot; qemu boots an ELF vmlinux with a PVH entry note directly (Debian builds CONFIG_PVH),
# which made agent01's boot ~2.5x faster. Prints the path of what to boot: the vmlinux, or vmlinuz if that fails.
ensure_agent_kernel() {
  local vmlinuz=$CACHE/kernel/vmlinuz out=$CACHE/kernel/vmlinux off
  if [ -f "$out" ]; then echo "$out"; return 0; fi
  # The xz stream inside the bzImage (the way the kernel's scripts/extract-vmlinux finds it).
  off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" 2>/dev/null | head -n1 | cut -d: -f1 || true)
  # --single-stream: what follows the stream in the bzImage is not xz; xz's own status says the stream was whole.
  if [ -n "$off" ] && xz -dcq --single-stream < <(tail -c +"$((off + 1))" "$vmlinuz") >"$out.tmp.$$" 2>/dev/null &&
    [ "$(head -c4 "$out.tmp.$$" | od -An -c | tr -d ' ')" = '177ELF' ] &&
    # PVH entry: an ELF note named "Xen" of type 18 (XEN_ELFNOTE_PHYS32_ENTRY); without it qemu cannot boot the ELF.
    LC_ALL=C grep -qaP '\x04\x00\x00\x00[\x04\x08]\x00\x00\x00\x12\x00\x00\x00Xen\x00' "$out.tmp.$$"; then
    mv "$out.tmp.$$" "$out"
    echo "$out"
  else
    rm -f "$out.tmp.$$"
    say "agent01 boots the compressed kernel (no PVH vmlinux could be extracted): slower"
    echo "$vmlinuz"
  fi
}

# agent01's initramfs: busybox, the host's own qemu-ga with the libraries ldd lists, and AGENT_MODULES. Keyed by a
# checksum of what goes in, so a new qemu-ga or kernel builds a new one; written under a temporary name and renamed,
# because the cache may be shared by several labs.
ensure_agent_initramfs() {
  local ver sum out qga lib
  ver=$(cat "$CACHE/kernel/version")
  qga=/usr/sbin/qemu-ga
  sum=$( (cat "$SRC/agent-init.sh" "$qga" /bin/busybox; echo "${AGENT_MODULES[*]}" "$ver") | sha256sum | cut -c1-16)
  out=$CACHE/agent-initramfs-$sum.cpio.gz
  if [ -f "$out" ]; then echo "$out"; return 0; fi
  local tmp
  tmp=$(mktemp -d "$LAB_DIR/agent-initramfs.XXXXXX")
  mkdir -p "$tmp/bin" "$tmp/usr/sbin" "$tmp/mods"
  cp /bin/busybox "$tmp/bin/busybox"
  cp "$qga" "$tmp/usr/sbin/qemu-ga"
  # Each library at the path the dynamic loader looks for it (e.g. /lib64/ld-linux-x86-64.so.2).
  for lib in $(ldd "$qga" | awk '$2=="=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
    mkdir -p "$tmp$(dirname "$lib")"
    cp -L "$lib" "$tmp$lib"
  done
  cp "$SRC/agent-init.sh" "$tmp/init"
  chmod 755 "$tmp/init"
  copy_modules "$tmp" "$ver" "${AGENT_MODULES[@]}"
  (cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp.$$"
  mv "$out.tmp.$$" "$out"
  rm -rf "$tmp"
  # Older agent initramfs files (another checksum) are left for labs that may still boot from them: they are small.
  echo "$out"
}

ensure_keys_and_disks() {
  [ -f "$KEY" ] || ssh-keygen -q -t ed25519 -N '' -C cowherd-lab -f "$KEY"
  [ -f "$HELPER_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C cowherd-lab-helper -f "$HELPER_KEY"
  chmod 600 "$HELPER_KEY"
  [ -f "$LAB_DIR/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C cowherd-lab-host -f "$LAB_DIR/ssh_host_ed25519_key"
  chmod 600 "$KEY" "$LAB_DIR/ssh_host_ed25519_key"
  echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$LAB_DIR/ssh_host_ed25519_key.pub")" >"$LAB_DIR/known_hosts"
  # Sparse files: vda is vg0's PV (4 GiB), vdb vg1's (2 GiB), vdc is spare for benchmarks (16 GiB).
  [ -f "$LAB_DIR/vda.img" ] || truncate -s 4G "$LAB_DIR/vda.img"
  [ -f "$LAB_DIR/vdb.img" ] || truncate -s 2G "$LAB_DIR/vdb.img"
  [ -f "$LAB_DIR/vdc.img" ] || truncate -s 16G "$LAB_DIR/vdc.img"
  host_json "$HOST_ID" "$LAB_DIR" "$PORT" | config_json >"$LAB_DIR/cowherd.config.json"
}

# One host's entry in a Cowherd config: ID DIR PORT. backupDir is inside the VM's tmpfs overlay (768 MiB), which
# holds the lab's small volumes' backups.
host_json() {
  local name="Cowherd lab"
  [ "$1" = lab2 ] && name="Cowherd lab 2"
  cat <<EOT
    {
      "id": "$1",
      "name": "$name",
      "ssh": { "host": "127.0.0.1", "port": $3, "user": "root", "identityFile": "$2/helper_key", "knownHostsFile": "$2/known_hosts" },
      "exportDir": "/var/lib/cowherd-exports",
      "backupDir": "/var/lib/cowherd/backups"
    }
EOT
}

# Host entries on stdin (separated by lines of ","), a config on stdout.
config_json() {
  echo '{'
  echo '  "hosts": ['
  sed 's/^,$/    ,/'
  echo '  ]'
  echo '}'
}

# The config listing both hosts, written by the primary lab's script for the lab in $LAB_DIR and its host2.
write_two_hosts_config() {
  { host_json lab "$LAB_DIR" "$PORT"; echo ','; host_json lab2 "$HOST2_DIR" "$((PORT + 1))"; } | config_json \
    >"$LAB_DIR/cowherd.two-hosts.config.json"
}

# Runs this script for lab2 (its own directory and port).
lab2() {
  COWHERD_LAB_DIR=$HOST2_DIR COWHERD_LAB_PORT=$((PORT + 1)) COWHERD_LAB_CACHE=$CACHE COWHERD_LAB_ROLE=second \
    COWHERD_LAB_HOSTS=1 bash "$SRC/lab.sh" "$@"
}

lab_ssh() {
  ssh -i "$KEY" -p "$PORT" -o BatchMode=yes -o UserKnownHostsFile="$LAB_DIR/known_hosts" -o StrictHostKeyChecking=yes \
    -o ConnectTimeout=15 -o LogLevel=ERROR root@127.0.0.1 "$@"
}

port_taken() { (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null || [ -n "$(ss -Hltn "sport = :$PORT" 2>/dev/null)" ]; }

# Which process listens on PORT, in words: another Cowherd lab (its pid file names its directory) or any program.
port_holder() {
  local line pids pid args dir
  line=$(ss -Hltnp "sport = :$PORT" 2>/dev/null | head -n1)
  pids=$(grep -o 'pid=[0-9]*' <<<"$line" | cut -d= -f2 | sort -u | tr '\n' ' ')
  pids=${pids% }
  if [ -z "$pids" ]; then
    echo "port 127.0.0.1:$PORT is taken, and ss does not say by which process (run as root to see it); choose another COWHERD_LAB_PORT"
    return 0
  fi
  pid=${pids%% *}
  args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
  dir=$(sed -n 's|.* -pidfile \([^ ]*\)/qemu.pid.*|\1|p' <<<"$args")
  if [[ $args == *"-name cowherd-lab"* ]]; then
    echo "port 127.0.0.1:$PORT is taken by another Cowherd lab (qemu pid $pids, directory ${dir:-unknown}), not the one in $LAB_DIR;" \
      "stop it with COWHERD_LAB_DIR=${dir:-DIR} COWHERD_LAB_PORT=$PORT bash $SRC/lab.sh down, or choose another COWHERD_LAB_PORT"
  else
    echo "port 127.0.0.1:$PORT is taken by process $pids ($(ps -o comm= -p "$pid" 2>/dev/null || echo unknown): ${args:0:200});" \
      "stop it or choose another COWHERD_LAB_PORT"
  fi
}

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

# Issue 16: the host helper from this checkout (deploy/cowherd-host) into the VM, its directories, and both keys in
# sshd's AuthorizedKeysFile: the lab key unrestricted, the helper key restricted to the helper. Done at every `up`
# (a reused VM gets this checkout's helper too); sshd reads the file at each login, so no restart.
install_helper() {
  lab_ssh "mkdir -p /usr/local/libexec /etc/cowherd && cat >$HELPER_PATH.new && chmod 755 $HELPER_PATH.new && mv $HELPER_PATH.new $HELPER_PATH" \
    <"$ROOT/deploy/cowherd-host"
  lab_ssh 'printf "dir /var/lib/cowherd\ndir /var/lib/cowherd-exports\n" >/etc/cowherd/host.conf'
  { cat "$KEY.pub"; echo "restrict,command=\"$HELPER_PATH\" $(cat "$HELPER_KEY.pub")"; } |
    lab_ssh 'cat >/etc/ssh/cowherd-lab/lab_key.pub.new && chmod 644 /etc/ssh/cowherd-lab/lab_key.pub.new && mv /etc/ssh/cowherd-lab/lab_key.pub.new /etc/ssh/cowherd-lab/lab_key.pub'
}

print_info() {
  echo "host=127.0.0.1"
  echo "port=$PORT"
  echo "key=$KEY"
  echo "helper_key=$HELPER_KEY"
  echo "known_hosts=$LAB_DIR/known_hosts"
  echo "config=$LAB_DIR/cowherd.config.json"
  if [ "$ROLE" = primary ] && [ -f "$HOST2_DIR/qemu.pid" ]; then echo "config2=$LAB_DIR/cowherd.two-hosts.config.json"; fi
}

up() {
  mkdir -p "$LAB_DIR" "$CACHE"
  # The kernel cache is shared (lab and lab2 boot side by side in npm test; several checkouts may share one cache):
  # whoever comes first downloads and builds it, the others wait for that instead of reading a half-made cache.
  exec 9>"$CACHE/.lock"
  flock 9
  ensure_packages
  ensure_kernel
  ensure_keys_and_disks
  if running; then
    if lab_ssh lvs >/dev/null 2>&1; then say "reusing the running lab (pid $(cat "$PIDFILE"))"; install_helper; print_info; return 0; fi
  else
    rm -f "$PIDFILE"
  fi
  local initrd agent_kernel agent_initrd ver t0 ready_at=""
  initrd=$(ensure_initramfs)
  agent_kernel=$(ensure_agent_kernel)
  agent_initrd=$(ensure_agent_initramfs)
  ver=$(cat "$CACHE/kernel/version")
  flock -u 9
  exec 9>&-
  if ! running; then
    if port_taken; then die "$(port_holder)" 4; fi
    say "booting (kernel $ver, port $PORT)"
    qemu-system-x86_64 -name cowherd-lab -machine pc -accel tcg,thread=multi -cpu max -smp 2 -m "$MEM" \
      -kernel "$CACHE/kernel/vmlinuz" -initrd "$initrd" \
      -append "console=ttyS0 quiet panic=-1 no_timer_check lab.role=$ROLE lab.dir=$LAB_DIR lab.src=$SRC lab.init=$SRC/guest-init.sh lab.modules=$CACHE/kernel/lib/modules/$ver lab.agent_kernel=$agent_kernel lab.agent_initrd=$agent_initrd" \
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
  install_helper
  say "ready in $(($(date +%s) - t0))s"
  print_info
}

# lab2, and the config listing both hosts.
up2() {
  [ "$ROLE" = primary ] || die "up2 is for the primary lab's script"
  mkdir -p "$HOST2_DIR"
  lab2 up
  write_two_hosts_config
  echo "config2=$LAB_DIR/cowherd.two-hosts.config.json"
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
  down_all
  rm -f "$LAB_DIR"/vd?.img "$HOST2_DIR"/vd?.img
  up
  if [ "$HOSTS" -ge 2 ] && [ "$ROLE" = primary ]; then up2; fi
}

down_all() {
  down
  if [ "$ROLE" = primary ] && [ -f "$HOST2_DIR/qemu.pid" ]; then lab2 down; fi
}

case "${1:-}" in
  up) up; if [ "$HOSTS" -ge 2 ] && [ "$ROLE" = primary ]; then up2; fi ;;
  up2) up2 ;;
  down) down_all ;;
  down2) lab2 down ;;
  ssh2) shift; lab2 ssh "$@" ;;
  reset) reset ;;
  status) if running && lab_ssh true 2>/dev/null; then say "running"; print_info; else say "not running"; exit 3; fi ;;
  ssh) shift; lab_ssh "$@" ;;
  env) print_info ;;
  *) echo "usage: $0 up|up2|down|down2|reset|status|ssh [cmd]|ssh2 [cmd]|env" >&2; exit 64 ;;
esac
