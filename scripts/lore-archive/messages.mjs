// Message bodies and headers of the generated archive: cover letters, patches, reviews that quote hunks, author
// answers, noise threads that only name symbols, and malformed mail. Every function takes the seeded random
// source, so the archive is the same byte for byte for a seed and the same two trees.
import { attribution, diffstat, quote, replyId, rfc2822 } from './mailText.mjs';

const LISTS = [
  'linux-mm@kvack.org',
  'linux-kernel@vger.kernel.org',
  'linux-fsdevel@vger.kernel.org',
  'nvdimm@lists.linux.dev',
  'dri-devel@lists.freedesktop.org',
];

/** Prose wrapped at 72 columns, as git commit messages and mutt replies are. */
export function wrap(text, width = 72) {
  const out = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out.join('\n');
}

function fold(name, value) {
  // Long headers are folded at spaces as mailers do; readers must unfold them.
  const line = `${name}: ${value}`;
  if (line.length <= 78) return line;
  const words = line.split(' ');
  const out = [];
  let current = '';
  for (const word of words) {
    if (current && current.length + 1 + word.length > 78) {
      out.push(current);
      current = ` ${word}`;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  out.push(current);
  return out.join('\n');
}

function base64ish(random, n) {
  return random.alnum(n, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
}

/** Transport and list headers as a list archive keeps them (about 2-3 KB per message on real archives). */
function transportHeaders(random, from, ms, tz) {
  const relay = `smtp${random.int(9)}.${from.domain}`;
  const ip = `192.0.2.${random.between(1, 254)}`;
  const date = rfc2822(ms + random.between(2, 90) * 1000, 0);
  const sig = base64ish(random, 344).replace(/(.{72})/g, '$1\n\t ');
  return [
    `Received: from ${relay} (${relay} [${ip}])\n\tby lists.example.org (Postfix) with ESMTPS id ${random.alnum(12, 'ABCDEF0123456789')}\n\tfor <linux-mm@kvack.org>; ${date}`,
    `Received: from mx${random.int(4)}.lists.example.org (mx.lists.example.org [198.51.100.${random.between(1, 254)}])\n\tby lists.example.org (Postfix) with ESMTP id ${random.alnum(12, 'ABCDEF0123456789')}\n\tfor <linux-mm@kvack.org>; ${date}`,
    `Received: from localhost (localhost [127.0.0.1])\n\tby mx.lists.example.org (amavisd-new) with ESMTP id ${random.alnum(12, 'abcdefghijklmnopqrstuvwxyz0123456789')}\n\tfor <linux-mm@kvack.org>; ${date}`,
    `Received: by ${relay} (Postfix) with ESMTPSA id ${random.alnum(10, 'ABCDEF0123456789')};\n\t${rfc2822(ms, tz)}`,
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${from.domain};\n\ts=${2020 + random.int(6)}; t=${Math.floor(ms / 1000)};\n\tbh=${base64ish(random, 43)}=;\n\th=From:To:Cc:Subject:Date:From;\n\tb=${sig}`,
    `ARC-Seal: i=1; a=rsa-sha256; d=lists.example.org; s=arc; t=${Math.floor(ms / 1000)};\n\tcv=none; b=${base64ish(random, 200).replace(/(.{72})/g, '$1\n\t ')}`,
    `Authentication-Results: lists.example.org; dkim=pass (2048-bit key) header.d=${from.domain}\n\theader.i=@${from.domain} header.b="${base64ish(random, 8)}";\n\tdmarc=pass (policy=none) header.from=${from.domain};\n\tspf=pass smtp.mailfrom=${from.domain}`,
    `ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=lists.example.org;\n\ts=arc; t=${Math.floor(ms / 1000)};\n\tbh=${base64ish(random, 43)}=;\n\tb=${base64ish(random, 340).replace(/(.{72})/g, '$1\n\t ')}`,
    `ARC-Authentication-Results: i=1; lists.example.org; dkim=pass header.d=${from.domain};\n\tdmarc=pass (policy=none) header.from=${from.domain}; spf=pass smtp.mailfrom=${from.domain}`,
    `X-Spam-Status: No, score=-${random.between(1, 9)}.${random.int(10)} required=5.0 tests=DKIM_SIGNED,DKIM_VALID,\n\tDKIM_VALID_AU,HEADER_FROM_DIFFERENT_DOMAINS,MAILING_LIST_MULTI,SPF_HELO_NONE,SPF_PASS\n\tautolearn=ham autolearn_force=no version=3.4.6`,
    'X-Mailing-List: linux-mm@kvack.org',
    'List-Id: <linux-mm.kvack.org>',
    'List-Subscribe: <mailto:linux-mm+subscribe@kvack.org>',
    'List-Unsubscribe: <mailto:linux-mm+unsubscribe@kvack.org>',
    'Precedence: bulk',
    'X-Generated-By: kernel-mm-lens generate-lore-archive (real 6.1 -> 6.12 code diffs; not real mail)',
  ];
}

/**
 * Full message text (no mbox From_ line). `headers` may override or add raw header lines (malformed mail).
 */
export function renderMessage(random, m) {
  const tz = m.tz ?? 0;
  const lines = [...transportHeaders(random, m.from, m.ms, tz)];
  lines.push(fold('From', `${m.fromName ?? m.from.name} <${m.from.email}>`));
  lines.push(fold('To', m.to ?? LISTS[0]));
  if (m.cc?.length) lines.push(fold('Cc', m.cc.join(', ')));
  lines.push(fold('Subject', m.subject));
  if (m.date !== null) lines.push(`Date: ${m.date ?? rfc2822(m.ms, tz)}`);
  if (m.id) lines.push(`Message-ID: <${m.id}>`);
  if (m.inReplyTo) lines.push(`In-Reply-To: <${m.inReplyTo}>`);
  if (m.references?.length) lines.push(`References: ${m.references.map((r) => `<${r}>`).join('\n ')}`);
  if (m.mailer) lines.push(`X-Mailer: ${m.mailer}`);
  lines.push('MIME-Version: 1.0');
  lines.push(...(m.contentHeaders ?? ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit']));
  lines.push(...(m.extraHeaders ?? []));
  return `${lines.join('\n')}\n\n${m.body.endsWith('\n') ? m.body : `${m.body}\n`}`;
}

export function ccList(random, people, count) {
  const cc = new Set();
  while (cc.size < count) {
    const person = random.pick(people);
    cc.add(`${person.name} <${person.email}>`);
  }
  if (random.chance(0.7)) cc.add(LISTS[1]);
  if (random.chance(0.15)) cc.add(random.pick(LISTS.slice(2)));
  return [...cc];
}

const INTRO = [
  (a, b) =>
    `Currently ${a}() open-codes what ${b}() already does. Let it use the common helper instead, which also keeps the two from drifting apart again.`,
  (a, b) =>
    `${a}() still works on struct page where its callers already hold a folio. Convert it to take the folio and drop the page lookups in ${b}().`,
  (a, b) =>
    `While looking at ${a}() I noticed that it can be called without the page table lock held from ${b}(), which makes the check racy.`,
  (a, b) =>
    `${a}() and ${b}() duplicate the same checks. Factor them out so that the next user does not have to copy them a third time.`,
  (a, b) => `Simplify ${a}(): most of the special cases it handles became impossible when ${b}() was reworked.`,
  (a, b) =>
    `The error handling in ${a}() leaks a reference when ${b}() fails half way. Restructure it so that every path drops what it took.`,
];
const SECOND = [
  'No functional change intended.',
  'This is a preparation for the next patches in this series, which depend on the new calling convention.',
  'Tested with the mm selftests and a kernel build on x86-64.',
  'This was found by code inspection; I could not trigger it in practice.',
  'The change is mechanical; the only behavioural difference is that we now warn once instead of silently continuing.',
];
const COMMENTS = [
  (a, b) => `Why is ${a} still needed here? As far as I can see ${b}() already handles that case.`,
  (a, b) =>
    `This changes behaviour for ${a}: before, callers relied on ${b}() holding the PTL. Please spell that out in the changelog.`,
  (a) => `Nit: ${a} could be declared where it is first used.`,
  (a, b) => `Can ${a} race with ${b}() here if the folio is split concurrently? What prevents that?`,
  (a, b) => `Can we move the ${a} handling into a helper? ${b}() is already long enough.`,
  (a) => `Please keep the ${a} check: device-private entries reach this path too.`,
  (a) => `Should the ${a} case be a VM_WARN_ON_ONCE() instead of silently returning?`,
  (a, b) =>
    `I think this is fine, but a comment explaining why ${a} cannot be NULL after ${b}() would help the next reader.`,
];
const PLAIN_COMMENTS = [
  'Nit: please keep the includes sorted.',
  'This hunk looks unrelated to the rest of the patch; maybe split it out?',
  'Fine with me.',
];
const ANSWERS = [
  (v) => `Good point, I'll fix that in v${v + 1}.`,
  () => 'Indeed. It is only reached with the lock held; I will add a comment.',
  () => 'Thanks for the review!',
  () => "I'd prefer to keep it as it is: the helper would have a single user.",
  (v) => `Right, that was a leftover from v${Math.max(1, v - 1)}. Will drop it.`,
];

export function commitMessage(random, fns, patch) {
  const [a, b = a] = fns;
  const paragraphs = [wrap(random.pick(INTRO)(a, b)), wrap(random.pick(SECOND))];
  if (random.chance(0.15)) paragraphs.push(`Fixes: ${random.hex(12)} ("${patch.fixesSubject}")`);
  return paragraphs.join('\n\n');
}

/** A patch mail body: changelog, trailers, `---`, diffstat, the diff, signature. */
export function patchBody(random, { description, trailers, files, mailer, changes }) {
  const parts = [description, '', trailers.join('\n'), '---'];
  if (changes) parts.push(changes, '');
  parts.push(diffstat(files), '', files.map((f) => f.text).join('\n'), '-- ', mailer);
  return parts.join('\n');
}

/** A review of a patch: quotes hunks (`> -`/`> +` lines) with comments about identifiers on them, maybe a trailer. */
export function reviewBody(random, { patchAuthor, patchMs, description, files, trailer, wholePatch }) {
  const parts = [attribution(patchMs, patchAuthor)];
  const quotedDescription = description.split('\n\n')[0];
  parts.push(quote(quotedDescription), '');
  const comments = [];
  const hunks = files.flatMap((f) => f.hunks.map((h) => ({ file: f, hunk: h })));
  const chosen = wholePatch ? hunks : hunks.filter((_, i) => i === 0 || random.chance(0.3)).slice(0, 3);
  for (const { file, hunk } of chosen) {
    const changed = hunk.lines.filter((l) => l[0] === '+' || l[0] === '-');
    const names = [...new Set(changed.join('\n').match(/\b[a-z_][a-z0-9_]{4,}\b/g) ?? [])].filter(
      (n) => n.includes('_') && !/_t$/.test(n),
    );
    const a = names.length ? random.pick(names) : hunk.fn;
    const b = hunk.fn ?? a;
    const header = `@@ -${hunk.oldStart},${hunk.oldCount} +${hunk.oldStart},${hunk.newCount} @@${hunk.context ? ` ${hunk.context}` : ''}`;
    const lines = wholePatch ? hunk.lines : hunk.lines.slice(0, 14);
    if (chosen.length === 1 || random.chance(0.4)) parts.push(quote(`diff --git a/${file.path} b/${file.path}`));
    parts.push(quote([header, ...lines].join('\n')), '');
    if (!wholePatch || random.chance(0.35)) {
      const comment = a ? wrap(random.pick(COMMENTS)(a, b)) : random.pick(PLAIN_COMMENTS);
      comments.push(comment);
      parts.push(comment, '');
    }
  }
  if (!comments.length) parts.push('Looks good to me.', '');
  if (trailer) parts.push(trailer, '');
  return { body: parts.join('\n'), comments };
}

/** The author answering a review: nested quotes of the patch lines the reviewer quoted, and a short answer. */
export function answerBody(random, { reviewer, reviewMs, review, version }) {
  const quoted = review.body.split('\n').slice(1, 120).join('\n');
  return `${attribution(reviewMs, reviewer)}\n${quote(quoted)}\n\n${random.pick(ANSWERS)(version)}\n`;
}

export function coverBody(
  random,
  { title, fns, version, prevCoverId, patchSubjects, files, author, mailer, baseCommit },
) {
  const [a, b = a, c = b] = fns;
  const parts = [
    wrap(`This series reworks ${a}() and its callers. ${random.pick(INTRO)(b, c)}`),
    '',
    wrap(
      `The first patches prepare ${b}() for the change; the last one drops the old ${title.split(' ').slice(-1)[0]} handling.`,
    ),
  ];
  if (version > 1) {
    parts.push('', `Changes since v${version - 1}:`);
    for (let i = 0; i < random.between(1, 4); i++)
      parts.push(
        ` - ${random.pick(['rebased on mm-unstable', `reworded the changelog of the ${a}() patch`, 'collected review tags', `dropped the ${b}() cleanup (merged separately)`, `fixed the locking in ${c}() (reported by the kernel test robot)`, 'split the helper into its own patch'])}`,
      );
    if (prevCoverId) parts.push('', `Link to v${version - 1}: https://lore.kernel.org/r/${prevCoverId}`);
  }
  parts.push('', `${author.name} (${patchSubjects.length}):`, ...patchSubjects.map((s) => `  ${s}`), '');
  parts.push(diffstat(files), '', `base-commit: ${baseCommit}`, '-- ', mailer);
  return parts.join('\n');
}

const NOISE_SUBJECTS = [
  (f) => `BUG: unable to handle page fault in ${f}`,
  (f) => `[syzbot] [mm?] WARNING in ${f}`,
  (f) => `question about the locking rules of ${f}()`,
  (f) => `[LSF/MM/BPF TOPIC] the future of ${f}() and friends`,
  (f) => `Regression in ${f}() on arm64 since 6.${8 + (f.length % 10)}`,
];

/** A thread starter that only names symbols (bug reports, questions, topics): no diff. */
export function noiseStarter(random, fns) {
  const f = random.pick(fns);
  const g = random.pick(fns);
  const subject = random.pick(NOISE_SUBJECTS)(f);
  const trace = Array.from(
    { length: random.between(4, 12) },
    () => ` ${random.pick(fns)}+0x${random.hex(3)}/0x${random.hex(3)}`,
  );
  const body = [
    `Hello,`,
    '',
    `While testing I hit the following in ${f}(); ${g}() is on the stack as well:`,
    '',
    `WARNING: CPU: ${random.int(64)} PID: ${random.between(100, 99999)} at mm/${f.split('_')[0]}.c:${random.between(100, 4000)} ${f}+0x${random.hex(3)}/0x${random.hex(3)}`,
    'Call Trace:',
    ' <TASK>',
    ...trace,
    ' </TASK>',
    '',
    `Is ${g}() supposed to be called with the mmap lock held here?`,
    '',
    'Thanks,',
    '',
  ].join('\n');
  return { subject, body };
}

export function noiseReply(random, fns, parent) {
  const f = random.pick(fns);
  return `${attribution(parent.ms, parent.from)}\n${quote(parent.body.split('\n').slice(0, 8).join('\n'))}\n\n${random.pick(
    [
      `This looks like the ${f}() issue that was fixed last cycle; can you try the latest mm-stable?`,
      `${f}() expects the caller to hold the PTL; the trace suggests it does not.`,
      `I cannot reproduce this here. Do you have a reproducer?`,
      `Adding the ${f}() folks.`,
    ],
  )}\n`;
}

export { replyId };
