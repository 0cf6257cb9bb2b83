/**
 * Quote one argument for a POSIX shell (the remote login shell that ssh hands its command line to).
 * Single quotes keep every byte literal, newlines and non-ASCII included; a single quote is written as '\''.
 */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('an argument cannot contain a NUL byte');
  if (arg !== '' && /^[A-Za-z0-9_/.,:=@%+-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command line that runs argv on the remote side exactly as given, one word per element. */
export function shellJoin(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty argv');
  return argv.map(shellQuote).join(' ');
}
