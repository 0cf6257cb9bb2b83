#!/bin/busybox sh
# /init of the lab's initramfs: load the few modules the root needs, mount the host's / (read-only, 9p) under a
# tmpfs overlay, and hand over to busybox init, which runs lab/guest-init.sh and reaps every orphan.
/bin/busybox mkdir -p /bin /sbin /proc /sys /dev /lower /upper /newroot
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules.list); do insmod "/mods/$m" 2>/dev/null; done

arg() { for a in $(cat /proc/cmdline); do case "$a" in "$1="*) echo "${a#*=}";; esac; done; }
LAB_INIT=$(arg lab.init)
LAB_MODULES=$(arg lab.modules)
KVER=$(uname -r)

if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /lower; then
  echo "lab: cannot mount the host root over 9p"; exec sh
fi
mount -t tmpfs -o size=768m,mode=0755 tmpfs /upper
mkdir -p /upper/u /upper/w
mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w /newroot || { echo "lab: overlay failed"; exec sh; }
mkdir -p "/newroot/usr/lib/modules/$KVER"
mount --bind "/newroot$LAB_MODULES" "/newroot/usr/lib/modules/$KVER"
cat > /newroot/etc/inittab <<EOT
::sysinit:/bin/bash $LAB_INIT
::shutdown:/bin/sync
EOT
umount /proc /sys 2>/dev/null
mount --move /dev /newroot/dev
exec switch_root /newroot /bin/busybox init
