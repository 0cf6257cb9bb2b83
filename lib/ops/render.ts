import { shellJoin } from '@/lib/host/quote';
import type { Plan, Step } from './types';

/** A step as the command a user would type in a shell on the host. */
export function stepCommand(step: Step): string {
  if (step.kind === 'run') return shellJoin(step.argv);
  const w = step.wait;
  switch (w.type) {
    case 'domain-state':
      return `# wait until virsh domstate ${shellJoin([w.domain])} is ${w.states.join(' or ')} (at most ${Math.round(step.timeoutMs / 1000)} s)`;
    case 'merge-finished':
      return `# wait until lvs -a no longer lists ${w.vg}/${w.snapshot} (merge finished; at most ${Math.round(step.timeoutMs / 1000)} s)`;
  }
}

/** The whole plan as a shell transcript (for the review page and dry runs). */
export function planScript(plan: Plan): string[] {
  return plan.steps.map((s) => {
    const prefix = s.kind === 'run' && s.cleanup ? '# always, even if a step above failed:\n' : '';
    return prefix + stepCommand(s);
  });
}
