#!/bin/busybox sh
# /init of agent01, the lab's one guest with an operating system (see guest-init.sh): just enough Linux for the
# qemu guest agent to freeze and thaw a real file system. Its disk (vg0/agent, ext4) is mounted at /data, and
# qemu-ga serves the virtio-serial port org.qemu.guest_agent.0 that libvirt's channel connects to.
# Everything here runs from the initramfs lab.sh builds; nothing else is read from anywhere.
/bin/busybox mkdir -p /bin /sbin /proc /sys /dev /data /run /var /tmp
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=0755 tmpfs /run
ln -sfn /run /var/run
log() { echo "agent-init: $*" >/dev/console; }
log "up after $(cut -d' ' -f1 /proc/uptime)s"
# Dependencies first (lab.sh lists them in modprobe's order); crc32c_generic before ext4 (metadata checksums).
for m in $(cat /modules.list); do insmod "/mods/$m" 2>/dev/null; done

# The disk appears a moment after virtio_blk is loaded.
for _ in $(seq 1 100); do [ -b /dev/vda ] && break; sleep 0.1; done
# A disk frozen when the guest was destroyed has a journal to replay: a read-write mount does it.
mount -t ext4 -o rw /dev/vda /data || log "cannot mount /dev/vda on /data"

# No udev: find the agent's port (/dev/vportNpM) by the name the host gave it.
port=
for _ in $(seq 1 100); do
  for n in /sys/class/virtio-ports/*/name; do
    [ "$(cat "$n" 2>/dev/null)" = org.qemu.guest_agent.0 ] && port=/dev/$(basename "$(dirname "$n")")
  done
  [ -n "$port" ] && [ -c "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || log "no virtio port named org.qemu.guest_agent.0"
log "qemu-ga on $port after $(cut -d' ' -f1 /proc/uptime)s"

# PID 1 must never exit: keep the agent running, and reap whatever it leaves behind.
while :; do
  /usr/sbin/qemu-ga -m virtio-serial -p "$port" -t /run -f /run/qemu-ga.pid
  log "qemu-ga exited ($?); restarting"
  sleep 1
done
