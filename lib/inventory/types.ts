import type { DomainState } from '@/lib/libvirt/parse';
import type { InventoryLv, InventoryVg } from '@/lib/lvm/model';

export type { InventoryLv, InventoryVg };

export interface InventoryDisk {
  target: string;
  source: string | null;
  vg: string | null;
  lv: string | null;
}

export interface InventoryDomain {
  name: string;
  /**
   * libvirt's UUID: operations act on the guest by it. Absent only when virsh listed the domain in domstats but
   * not in `list --uuid` (it appeared between the two); plans refuse to act on such a guest.
   */
  uuid?: string;
  state: DomainState;
  /** The qemu guest agent answered guest-ping (freeze/thaw is possible). */
  agent: boolean;
  disks: InventoryDisk[];
}

/** One host's inventory, as served by GET /api/hosts/:host/inventory. */
export interface Inventory {
  host: string;
  vgs: InventoryVg[];
  lvs: InventoryLv[];
  domains: InventoryDomain[];
  /** 'absent': no virsh on the host (LVM is still shown); 'error': virsh failed. */
  libvirt: 'ok' | 'absent' | 'error';
  libvirtError?: string;
  collectedAt: string;
  /**
   * When the full inventory (names, sizes, guests) was read; collectedAt is newer when the figures came from a
   * device-mapper poll since. Absent in a narrow read.
   */
  fullReadAt?: string;
  /** Time of the one remote execution that produced this inventory. */
  durationMs: number;
}

export interface HostStatus {
  id: string;
  name: string;
  reachable: boolean;
  error?: string;
}
