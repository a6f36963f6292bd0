import * as os from 'os';
import { runGit, type GitResult } from '../lore/git';

/**
 * Who writes a review note: the workspace's git identity (`git config user.name` and `user.email`, as `git commit`
 * would sign), so that notes exported as a review reply carry the reviewer's name. git runs only in a trusted
 * workspace (a repository's config can name programs to run). Fallbacks, in order: $GIT_AUTHOR_NAME (and
 * $GIT_AUTHOR_EMAIL), the login name of the user running the editor, then "reviewer".
 */
export interface AuthorSources {
  root?: string;
  trusted: boolean;
  env?: NodeJS.ProcessEnv;
  git?: (args: string[], cwd: string) => Promise<GitResult>;
  loginName?: () => string | undefined;
}

export async function noteAuthor(sources: AuthorSources): Promise<string> {
  const env = sources.env ?? process.env;
  if (sources.trusted && sources.root) {
    const git = sources.git ?? ((args: string[], cwd: string) => runGit(args, { cwd, timeoutMs: 3000 }));
    const read = async (key: string) => {
      const result = await git(['config', '--get', key], sources.root!).catch(() => undefined);
      return result?.code === 0 ? clean(result.stdout) : undefined;
    };
    const [name, email] = await Promise.all([read('user.name'), read('user.email')]);
    if (name) return email ? `${name} <${email}>` : name;
  }
  const envName = clean(env.GIT_AUTHOR_NAME);
  if (envName) {
    const envEmail = clean(env.GIT_AUTHOR_EMAIL);
    return envEmail ? `${envName} <${envEmail}>` : envName;
  }
  const login = clean((sources.loginName ?? defaultLoginName)());
  return login || 'reviewer';
}

/** One line of plain text, at most 200 characters (config values and environment are untrusted). */
function clean(value: string | undefined): string | undefined {
  const line = value
    ?.split(/\r?\n/)[0]
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f<>]/g, '')
    .trim();
  return line ? line.slice(0, 200) : undefined;
}

function defaultLoginName(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER;
  }
}
