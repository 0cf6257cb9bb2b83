import { shellJoin } from '@/lib/host/quote';
import type { Plan, Step } from './types';
import { domainStateArgv, mergeDriveArgv } from './wait-commands';

/** A step as the command a user would type in a shell on the host. */
export function stepCommand(step: Step): string {
  if (step.kind === 'run') return step.host ? `# on ${step.host}:\n${shellJoin(step.argv)}` : shellJoin(step.argv);
  if (step.kind === 'pipe') {
    return (
      `# on ${step.from.host}, its output streamed through the Cowherd server into the command on ${step.to.host}:\n` +
      `${shellJoin(step.from.argv)} \\\n  | ${shellJoin(step.to.argv)}`
    );
  }
  const w = step.wait;
  switch (w.type) {
    case 'domain-state': {
      const wait = `# wait until ${shellJoin(domainStateArgv(w))} says ${w.states.join(' or ')} (at most ${Math.round(step.timeoutMs / 1000)} s)`;
      return step.onTimeout ? `${wait}\n# then, if it is still running (you agreed to a forced power-off):\n${shellJoin(step.onTimeout.argv)}` : wait;
    }
    case 'merge-finished': {
      const wait = `# wait until lvs -a no longer lists ${w.vg}/${w.snapshot} (merge finished; at most ${Math.round(step.timeoutMs / 1000)} s)`;
      return w.drive ? `${wait}\n# while it is still listed:\n${shellJoin(mergeDriveArgv(w))}` : wait;
    }
  }
}

/** The whole plan as a shell transcript (for the review page and dry runs). */
export function planScript(plan: Plan): string[] {
  return plan.steps.map((s) => {
    // Issue 14: an undo step (cleanup.onFailure) runs only when the job failed.
    const prefix = s.cleanup?.onFailure ? '# only if a step above failed, to undo it:\n' : s.kind !== 'wait' && s.cleanup ? '# always, even if a step above failed:\n' : '';
    return prefix + stepCommand(s);
  });
}
