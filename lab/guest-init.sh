#!/bin/bash
# Runs inside the lab VM as busybox init's sysinit step. The root is the host's / (read-only, 9p) under a tmpfs
# overlay, so everything written here lives in the VM's memory; only the virtio disks persist (they hold LVM).
set -u
exec >/dev/console 2>&1
log() { echo "lab-init: $*"; }
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | head -n1; }
mount -t proc proc /proc
LAB_DIR=$(arg lab.dir)
LAB_SRC=$(arg lab.src)
# "second": lab2 (lab.sh up2), the target host for backups and guest moves: the same VGs, but no LVs and no guests.
LAB_ROLE=$(arg lab.role)
# The lab's directory may live under /tmp or /run, which get fresh tmpfs mounts below: copy what sshd needs first.
mkdir -p /etc/ssh/cowherd-lab
cp "$LAB_DIR/ssh_host_ed25519_key" "$LAB_DIR/lab_key.pub" /etc/ssh/cowherd-lab/
chmod 600 /etc/ssh/cowherd-lab/ssh_host_ed25519_key
# agent01 boots the lab's own kernel with the initramfs lab.sh built (both in the kernel cache, seen through the
# host's root); a cache under /tmp or /run would be hidden by the tmpfs mounts below, so take a copy of those first.
AGENT_KERNEL=$(arg lab.agent_kernel)
AGENT_INITRD=$(arg lab.agent_initrd)
case "$AGENT_KERNEL $AGENT_INITRD" in
  /tmp/* | /run/* | *" /tmp/"* | *" /run/"*)
    mkdir -p /var/lib/cowherd-agent
    cp "$AGENT_KERNEL" /var/lib/cowherd-agent/kernel && cp "$AGENT_INITRD" /var/lib/cowherd-agent/initrd.cpio.gz &&
      AGENT_KERNEL=/var/lib/cowherd-agent/kernel AGENT_INITRD=/var/lib/cowherd-agent/initrd.cpio.gz
    ;;
esac
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mkdir -p /run/lock /var/log /var/lib/libvirt /var/cache/libvirt /run/sshd
if [ "$LAB_ROLE" = second ]; then HOSTNAME_=cowherd-lab2; else HOSTNAME_=cowherd-lab; fi
hostname "$HOSTNAME_"
echo "$HOSTNAME_" >/etc/hostname

ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2

for m in dm-mod dm-snapshot dm-thin-pool dm-bufio dm-persistent-data loop ext4 xfs; do modprobe "$m" 2>/dev/null; done

# No udev in the VM: lvm2 must create device nodes itself (see ../shared/docs/lvm-libvirt-facts.md).
cat >/etc/lvm/lvmlocal.conf <<'EOT'
activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
devices { obtain_device_list_from_udev = 0 use_devicesfile = 0 }
global { use_lvmpolld = 0 }
EOT

# Quiet shells: Debian's bash sources ~/.bashrc for ssh commands; the host's dotfiles would slow every command.
: >/root/.bashrc
: >/root/.profile
rm -f /root/.bash_profile /root/.bash_login 2>/dev/null

vgchange -ay >/dev/null 2>&1
if [ "$LAB_ROLE" = second ] && ! vgs vg0 >/dev/null 2>&1; then
  log "first boot: seeding vg0 and vg1 (no LVs: lab2)"
  pvcreate -y /dev/vda && vgcreate vg0 /dev/vda
  pvcreate -y /dev/vdb && vgcreate vg1 /dev/vdb && lvcreate -y --type thin-pool -L 1G -n pool vg1
elif ! vgs vg0 >/dev/null 2>&1; then
  log "first boot: seeding vg0 and vg1"
  pvcreate -y /dev/vda && vgcreate vg0 /dev/vda &&
    lvcreate -y -L 256M -n web vg0 && lvcreate -y -L 128M -n db vg0
  pvcreate -y /dev/vdb && vgcreate vg1 /dev/vdb &&
    lvcreate -y --type thin-pool -L 1G -n pool vg1 && lvcreate -y -V 512M -T vg1/pool -n thin1
fi
# agent01's disk: a real file system for the guest agent to freeze, made once (also in labs seeded before it existed).
# vgchange -ay above made the device node if the LV exists, so this costs nothing on later boots.
if [ "$LAB_ROLE" != second ] && [ ! -e /dev/vg0/agent ]; then
  log "creating vg0/agent (ext4) for agent01"
  lvcreate -y -L 64M -n agent vg0 >/dev/null && mkfs.ext4 -q -F -L agent01 -E nodiscard /dev/vg0/agent ||
    log "could not create vg0/agent"
fi

# vg0/files: a guest-like disk for browsing files inside a snapshot (issue 13), made once. An MBR table with an ext4
# partition (a small /etc, a symlink pointing outside to /etc/shadow, a name with spaces and non-ASCII, a 1 GiB sparse
# file, a FIFO and a device node) and an XFS one. No udev here: losetup --partscan makes the kernel create
# /dev/loopNpM on devtmpfs by itself. mkfs.xfs (xfsprogs >= 5.19) refuses a file system under 300 MB unless it runs
# under fstests' variables (TEST_DIR/TEST_DEV/QA_CHECK_FS): this is a test disk, and 96 MiB keeps vg0's space for others.
# Seeded when the LV is missing or was not seeded to the end (the tag is set last: a boot stopped half-way seeds again).
if ! lvs --noheadings -o lv_tags vg0/files 2>/dev/null | grep -q cowherd_lab_seeded; then
  log "creating vg0/files (a partitioned guest-like disk: ext4 + XFS)"
  { [ -e /dev/vg0/files ] || lvcreate -y -L 96M -n files vg0 >/dev/null; } &&
    timeout 300 bash "$LAB_SRC/files-seed.sh" /dev/vg0/files && lvchange --addtag cowherd_lab_seeded vg0/files >/dev/null ||
    log "could not seed vg0/files"
fi

# libvirt: qemu:///system with plain TCG domains, no cgroups, no security driver, no default network.
cat >/etc/libvirt/qemu.conf <<'EOT'
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
EOT
rm -f /etc/libvirt/qemu/networks/autostart/*.xml /etc/libvirt/qemu/autostart/*.xml 2>/dev/null
rm -f /etc/libvirt/qemu/*.xml 2>/dev/null
virtlogd -d
libvirtd -d
for _ in $(seq 1 100); do virsh -c qemu:///system list >/dev/null 2>&1 && break; sleep 0.2; done
for dom in web01:web db01:db; do
  name=${dom%%:*} lv=${dom##*:}
  cat >/tmp/$name.xml <<EOT
<domain type='qemu'>
  <name>$name</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='block' device='disk'>
      <driver name='qemu' type='raw' cache='none'/>
      <source dev='/dev/vg0/$lv'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    <memballoon model='none'/>
  </devices>
</domain>
EOT
  [ "$LAB_ROLE" = second ] || virsh define /tmp/$name.xml >/dev/null
done
[ "$LAB_ROLE" = second ] || virsh start web01 >/dev/null || log "web01 did not start"
# agent01: the one guest with an operating system (a kernel, busybox and qemu-ga; lab/agent-init.sh), so that freeze
# and thaw run against a real guest agent and a real file system. Defined and started after sshd, in the background.
# Its kernel command line skips what costs most under nested emulation (measured with initcall_debug): the crypto
# self-tests, the kprobe self-test and loading the module-signing certificates (its modules then load unverified,
# which only taints that throwaway guest's kernel). No ACPI (libvirt's default without <features><acpi/>): one
# initcall fewer. panic=-1 makes a rare early panic under emulation a reboot, which libvirt turns into a restart.
AGENT_CMDLINE='console=ttyS0 quiet panic=-1 no_timer_check mitigations=off cryptomgr.notests initcall_blacklist=crypto_kdf108_init,init_kprobe_trace,load_system_certificate_list'
cat >/tmp/agent01.xml <<EOT
<domain type='qemu'>
  <name>agent01</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$AGENT_KERNEL</kernel>
    <initrd>$AGENT_INITRD</initrd>
    <cmdline>$AGENT_CMDLINE</cmdline>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='block' device='disk'>
      <driver name='qemu' type='raw' cache='none'/>
      <source dev='/dev/vg0/agent'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    <serial type='file'><source path='/var/log/agent01-console.log'/><target port='0'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
EOT

cat >/run/sshd_config <<EOT
Port 22
ListenAddress 0.0.0.0
HostKey /etc/ssh/cowherd-lab/ssh_host_ed25519_key
PermitRootLogin prohibit-password
AuthorizedKeysFile /etc/ssh/cowherd-lab/lab_key.pub
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
StrictModes no
MaxStartups 200:30:400
MaxSessions 200
PidFile /run/sshd.pid
AcceptEnv LANG LC_*
Subsystem sftp internal-sftp
EOT
/usr/sbin/sshd -f /run/sshd_config
log "ready after $(cut -d" " -f1 /proc/uptime)s of uptime (source $LAB_SRC)"
# Booting agent01 under nested emulation takes minutes: in the background, once the lab already answers.
[ "$LAB_ROLE" = second ] ||
  (virsh define /tmp/agent01.xml >/dev/null && virsh start agent01 >/dev/null &&
    log "agent01 started after $(cut -d" " -f1 /proc/uptime)s of uptime" || log "agent01 did not start") &
