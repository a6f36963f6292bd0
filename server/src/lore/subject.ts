/**
 * Patch subjects read the way b4 reads them (b4's LoreSubject): any number of leading `Re:`/`Fwd:`/`Aw:` and
 * bracketed prefixes; inside a bracket `PATCH`, `RFC`, `RESEND`, a revision `vN`, a counter `k/M`, and free tags
 * (`mm-unstable`, `6.12.y`, `net-next`). What is left is the patch's title, which stays the same across versions
 * and is the first key for matching the versions of one patch.
 */

export interface PatchSubject {
  /** The title without prefixes, white space collapsed: "mm/rmap: implement make_device_exclusive() ...". */
  title: string;
  /** Title in lower case, for matching across versions (authors change case between revisions). */
  key: string;
  /** A `Re:`/`Fwd:` reply. */
  reply: boolean;
  /** Has a bracket with PATCH (or a bare `PATCH` tag), i.e. was sent as a patch or cover letter. */
  patch: boolean;
  rfc: boolean;
  resend: boolean;
  /** Revision: vN, else 1. */
  version: number;
  /** Whether the revision was written out (v1 written or not means the same to b4). */
  versionGiven: boolean;
  /** k of k/M; 0 for a cover letter; undefined without a counter. */
  counter?: number;
  expected?: number;
  /** Other bracket words ("mm-unstable", "6.12.y"). */
  tags: string[];
}

const REPLY_PREFIX = /^(?:re|fwd?|aw|sv)\s*:\s*/i;

export function parsePatchSubject(subject: string): PatchSubject {
  let rest = subject.replace(/\s+/g, ' ').trim();
  const result: PatchSubject = {
    title: '',
    key: '',
    reply: false,
    patch: false,
    rfc: false,
    resend: false,
    version: 1,
    versionGiven: false,
    tags: [],
  };
  // Bounded: a hostile subject with thousands of brackets costs one pass per bracket at most.
  for (let guard = 0; guard < 64; guard++) {
    const reply = REPLY_PREFIX.exec(rest);
    if (reply) {
      result.reply = true;
      rest = rest.slice(reply[0].length);
      continue;
    }
    const bracket = /^\[([^\]]*)\]\s*/.exec(rest);
    if (!bracket) break;
    readBracket(bracket[1], result);
    rest = rest.slice(bracket[0].length);
  }
  result.title = rest.trim();
  result.key = result.title.toLowerCase();
  return result;
}

function readBracket(inside: string, result: PatchSubject): void {
  for (const word of inside.split(/[\s,]+/).filter(Boolean)) {
    const upper = word.toUpperCase();
    if (upper === 'PATCH' || upper === 'PATCHV') result.patch = true;
    else if (upper === 'RFC') {
      result.rfc = true;
      result.patch = true;
    } else if (upper === 'RESEND') result.resend = true;
    else if (/^v\d+$/i.test(word)) {
      result.version = Number(word.slice(1));
      result.versionGiven = true;
    } else if (/^PATCHv\d+$/i.test(word)) {
      // "[PATCHv3 2/5]", an old habit some people keep.
      result.patch = true;
      result.version = Number(word.slice(6));
      result.versionGiven = true;
    } else if (/^\d+\/\d+$/.test(word)) {
      const [counter, expected] = word.split('/').map(Number);
      result.counter = counter;
      result.expected = expected;
    } else result.tags.push(word);
  }
}
