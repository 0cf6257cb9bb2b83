// Add a user from the command line:
//   npx tsx scripts/user-add.ts <username> <viewer|operator|admin>
// The password comes from COWHERD_NEW_PASSWORD, or is asked for (twice, not echoed) on a terminal.
//
import { dbFile, openDb } from '@/lib/store/sqlite';
import { loadEnv } from '@/lib/env';
import { ROLES, roleSchema } from '@/lib/auth/roles';
import { createUser, passwordSchema, usernameSchema } from '@/lib/auth/users';

const USAGE = `usage: npx tsx scripts/user-add.ts <username> <${ROLES.join('|')}>

Adds a Cowherd user. The password is read from COWHERD_NEW_PASSWORD, or asked for on a terminal.
The database is <COWHERD_DATA_DIR>/cowherd.sqlite (COWHERD_DATA_DIR defaults to ./data).`;


/** Read a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const { stdin, stderr } = process;
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    // Raw mode first: typed characters must not be echoed even if they arrive before the prompt is seen.
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
    stderr.write(question);
  });
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.COWHERD_NEW_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) {
    throw new Error('no password: set COWHERD_NEW_PASSWORD, or run this on a terminal to be asked for it');
  }
  const first = await promptHidden('Password: ');
  const check = passwordSchema.safeParse(first);
  if (!check.success) throw new Error(check.error.issues[0]?.message ?? 'invalid password');
  const second = await promptHidden('Repeat password: ');
  if (first !== second) throw new Error('the passwords do not match');
  return first;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  if (argv.length !== 2) {
    console.error(USAGE);
    return 2;
  }
  const [rawUsername = '', rawRole = ''] = argv;
  const username = usernameSchema.safeParse(rawUsername);
  if (!username.success) {
    console.error(`error: ${username.error.issues[0]?.message ?? 'invalid username'} (got ${JSON.stringify(rawUsername)})`);
    return 2;
  }
  const role = roleSchema.safeParse(rawRole);
  if (!role.success) {
    console.error(`error: role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(rawRole)})`);
    return 2;
  }

  const password = await readPassword();
  const file = dbFile(loadEnv().COWHERD_DATA_DIR);
  const db = openDb(file);
  try {
    const created = await createUser(db, { username: username.data, password, role: role.data });
    if (!created.ok) {
      console.error(`error: ${created.error}`);
      return 1;
    }
    console.log(`Created user ${created.value.username} with role ${created.value.role} in ${file}`);
    return 0;
  } finally {
    db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
