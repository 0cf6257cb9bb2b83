import type { Plan, Step, StepRole } from './types';

/**
 * The role of a step stored before steps carried one (jobs recorded by an older Cowherd), from its argv. Used
 * only on load (withRoles): new plans set the role where they build the step.
 */
export function roleOfArgv(argv: readonly string[]): StepRole {
  // The virsh subcommand is the first word after the options (--connect URI).
  const words = argv[0] === 'sh' && argv[1] === '-c' ? argv.slice(4) : argv;
  const [cmd] = words;
  if (cmd === 'virsh') {
    const sub = words.slice(1).find((w, i, all) => !w.startsWith('-') && all[i - 1] !== '--connect' && all[i - 1] !== '-c');
    const byVirsh: Record<string, StepRole> = {
      domfsfreeze: 'freeze',
      domfsthaw: 'thaw',
      suspend: 'suspend',
      resume: 'resume',
      shutdown: 'shutdown',
      destroy: 'destroy',
      start: 'start',
    };
    return (sub === undefined ? undefined : byVirsh[sub]) ?? 'other';
  }
  if (cmd === 'lvcreate') return 'snapshot';
  if (cmd === 'lvextend') return 'extend';
  if (cmd === 'lvremove') return 'remove';
  if (cmd === 'lvconvert' && words.includes('--merge')) return 'merge';
  if (cmd === 'lvchange') {
    if (words.includes('--refresh')) return 'refresh';
    if (words.includes('-ay')) return 'activate';
    if (words.includes('-an')) return 'deactivate';
  }
  if (cmd === 'qemu-img') return words[1] === 'convert' ? 'export' : words[1] === 'compare' ? 'verify' : 'other';
  if (cmd === 'mkdir') return 'mkdir';
  if (cmd === 'test') return 'check';
  return 'other';
}

/** A stored plan with every step's role filled in (older jobs have none). */
export function withRoles(plan: Plan): Plan {
  const steps = plan.steps.map((s): Step => {
    // The types say every step has a role; a plan parsed from an old job's JSON may not.
    if (s.kind === 'run') return (s as { role?: StepRole }).role ? s : { ...s, role: roleOfArgv(s.argv) };
    if (s.kind === 'pipe') return s;
    const onTimeout = s.onTimeout as { title: string; role?: StepRole; argv: string[] } | undefined;
    if (onTimeout && !onTimeout.role) return { ...s, onTimeout: { ...onTimeout, role: roleOfArgv(onTimeout.argv) } };
    return s;
  });
  return { ...plan, steps };
}
