#!/usr/bin/env node
// Generates a test archive of kernel-list-like mail at real scale (~15,000 messages, ~180 MB mboxrd, 2021-2026).
// It is NOT a real list archive: the people, the prose and the Message-IDs are made up (reserved example domains),
// but every diff is a real code change between Debian's linux-source-6.1 and linux-source-6.12 (real files,
// functions, added and removed lines), plus one constructed series that drops the `|| pXX_devmap()` clauses from
// the real 6.12 code the way the later upstream removal did. Organised as real series are: cover letters, numbered
// patches replying to them, versions v1..v9, reviews quoting hunks, trailers, noise threads, malformed mail.
// Deterministic: the same seed and trees give the same bytes. The archive is written to a cache folder, never to
// the repository.
//
// Usage: node scripts/lore-archive/generate.mjs [--trees DIR] [--out FILE] [--messages N] [--seed N]
import fs from 'fs';
import os from 'os';
import path from 'path';
import { changedIdentifiers, collectRealFileDiffs, devmapRemovalDiffs, renderFileDiff } from './realDiffs.mjs';
import { b4Id, createRandom, makePeople, replyId, rfc2822, sendEmailId, subjectPrefix } from './mailText.mjs';
import {
  answerBody,
  ccList,
  commitMessage,
  coverBody,
  noiseReply,
  noiseStarter,
  patchBody,
  renderMessage,
  reviewBody,
} from './messages.mjs';
import { malformedMessages } from './malformed.mjs';

const options = { trees: undefined, out: undefined, messages: 15000, seed: 20 };
for (let i = 2; i < process.argv.length; i++) {
  const key = process.argv[i].replace(/^--/, '');
  if (!(key in options)) {
    console.error(
      `unknown option ${process.argv[i]}\nusage: generate.mjs [--trees DIR] [--out FILE] [--messages N] [--seed N]`,
    );
    process.exit(2);
  }
  options[key] = process.argv[++i];
}
const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
const treesDir = options.trees ?? path.join(cacheHome, 'kernel-mm-lens', 'trees');
const out = options.out ?? path.join(cacheHome, 'kernel-mm-lens', 'lore-archive', 'linux-mm-generated.mbox');
const targetMessages = Number(options.messages);
const random = createRandom(Number(options.seed));
const OLD = 'linux-source-6.1';
const NEW = 'linux-source-6.12';
for (const tree of [OLD, NEW]) {
  if (!fs.existsSync(path.join(treesDir, tree, 'mm'))) {
    console.error(`${path.join(treesDir, tree)} not found: run scripts/install-kernel-trees.sh all`);
    process.exit(1);
  }
}

const started = Date.now();
const fileDiffs = collectRealFileDiffs(treesDir, OLD, NEW);
const devmapDiffs = devmapRemovalDiffs(treesDir, NEW);
const people = makePeople(random);
const allFunctions = [...new Set(fileDiffs.flatMap((f) => f.hunks.map((h) => h.fn).filter(Boolean)))].sort();
console.error(
  `real diffs: ${fileDiffs.length} files, ${fileDiffs.reduce((n, f) => n + f.hunks.length, 0)} hunks; devmap removal: ${devmapDiffs.length} files (${Math.round((Date.now() - started) / 1000)} s)`,
);

const mail = []; // { ms, seq, text }
let seq = 0;
function emit(message) {
  mail.push({ ms: message.ms, seq: seq++, text: renderMessage(random, message), id: message.id });
  return message;
}

const DAY = 86_400_000;
const START = Date.UTC(2021, 0, 4);
const END = Date.UTC(2026, 5, 30);
const MAILERS = ['git-send-email 2.39.5', 'git-send-email 2.45.2', 'git-send-email 2.47.1', 'b4 0.14.2', 'b4 0.13.0'];

// Hunk material is consumed in order from a shuffled list of files, so most real hunks appear at least once.
const order = fileDiffs.map((_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = random.int(i + 1);
  [order[i], order[j]] = [order[j], order[i]];
}
let fileCursor = 0;
const hunkCursor = new Map();
function takeHunks(count) {
  for (let tries = 0; tries < order.length; tries++) {
    const fileDiff = fileDiffs[order[fileCursor++ % order.length]];
    const start = hunkCursor.get(fileDiff) ?? 0;
    const begin = start < fileDiff.hunks.length ? start : 0;
    const hunks = fileDiff.hunks.slice(begin, begin + count);
    if (!hunks.length) continue;
    hunkCursor.set(fileDiff, begin + hunks.length);
    return { fileDiff, hunks };
  }
  throw new Error('no hunks');
}

const VERBS = [
  'rework',
  'simplify',
  'clean up',
  'fix locking in',
  'convert to folios in',
  'drop redundant checks in',
  'factor out helpers from',
  'handle device-private entries in',
];

function makePatch() {
  // A patch touches one file or converts one API across several: hunks are taken file after file until the
  // patch has its size.
  const target = random.weighted([
    [4, 8],
    [8, 12],
    [12, 14],
    [18, 16],
    [28, 14],
    [45, 10],
    [70, 6],
    [110, 3],
  ]);
  const files = [takeHunks(target)];
  let total = files[0].hunks.length;
  while (total < target && files.length < 10 && random.chance(0.92)) {
    const more = takeHunks(target - total);
    if (files.some((f) => f.fileDiff === more.fileDiff)) break;
    files.push(more);
    total += more.hunks.length;
  }
  const fns = [...new Set(files.flatMap((f) => f.hunks.map((h) => h.fn)).filter(Boolean))];
  const idents = changedIdentifiers(files.flatMap((f) => f.hunks));
  const main = fns[0] ?? idents[0] ?? path.basename(files[0].fileDiff.path, '.c');
  return {
    files,
    fns: fns.length ? fns : [main],
    idents,
    subject: `${subjectPrefix(files[0].fileDiff.path)}: ${random.pick(VERBS)} ${main}()`,
    fixesSubject: `${subjectPrefix(files[0].fileDiff.path)}: ${random.pick(VERBS)} ${random.pick(allFunctions)}()`,
  };
}

/** The content of a patch at one version: versions before `stableFrom` carry fewer hunks (a different patch-id). */
function patchAt(patch, version) {
  return patch.files.map(({ fileDiff, hunks }) => {
    const count =
      version >= patch.stableFrom ? hunks.length : Math.max(1, Math.ceil((hunks.length * version) / patch.stableFrom));
    const chosen = hunks.slice(0, count);
    return { path: fileDiff.path, hunks: chosen, ...renderFileDiff(fileDiff, chosen) };
  });
}

function seriesCount() {
  return random.weighted([
    [1, 35],
    [2, 12],
    [3, 12],
    [4, 10],
    [5, 8],
    [6, 6],
    [8, 6],
    [10, 5],
    [12, 4],
    [16, 2],
  ]);
}

/** One series through all its versions, with reviews and answers. */
function emitSeries({ patches, versions, author, startMs, title, gapDays = [5, 45] }) {
  const useB4 = random.chance(0.35);
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 30);
  const changeId = random.hex(12);
  const cc = ccList(random, people, random.between(2, 8));
  for (const patch of patches) {
    patch.stableFrom = random.chance(0.5) ? 1 : random.between(1, versions);
    patch.addedIn = random.chance(0.1) ? random.between(1, versions) : 1;
    patch.droppedAfter = random.chance(0.07) && versions > 1 ? random.between(patch.addedIn, versions - 1) : versions;
    patch.trailers = [];
  }
  let ms = startMs;
  let prevCover;
  for (let version = 1; version <= versions; version++) {
    const present = patches.filter((p) => p.addedIn <= version && p.droppedAfter >= version);
    if (!present.length) continue;
    const total = present.length;
    const rfc = version === 1 && random.chance(0.15);
    const tagVersion = version > 1 ? ` v${version}` : random.chance(0.2) ? ' v1' : '';
    const tag = (k) =>
      `[${rfc ? 'RFC ' : ''}PATCH${tagVersion}${total > 1 || k > 0 ? ` ${String(k).padStart(total >= 10 ? 2 : 1, '0')}/${total}` : ''}]`;
    const pid = random.between(1000, 999999);
    const idFor = (k) => (useB4 ? b4Id(ms, slug, version, k, changeId, author) : sendEmailId(ms, pid, k + 1, author));
    const mailer = useB4 ? 'b4 0.14.2' : random.pick(MAILERS.slice(0, 3));
    const tz = random.pick([0, 0, 60, 120, -420, -240, 480, 330]);
    const rendered = present.map((p) => patchAt(p, version));
    let coverId;
    let cover;
    if (total > 1) {
      coverId = idFor(0);
      const allFiles = rendered.flat();
      cover = emit({
        from: author,
        cc,
        subject: `${tag(0)} ${title}`,
        ms,
        tz,
        id: coverId,
        mailer,
        inReplyTo: prevCover && random.chance(0.3) ? prevCover : undefined,
        references: prevCover && random.chance(0.3) ? [prevCover] : undefined,
        body: coverBody(random, {
          title,
          fns: [...new Set(present.flatMap((p) => p.fns))].slice(0, 3),
          version,
          prevCoverId: prevCover,
          patchSubjects: present.map((p) => p.subject),
          files: allFiles,
          author,
          mailer,
          baseCommit: random.hex(40),
        }),
      });
    }
    present.forEach((patch, index) => {
      const k = total > 1 ? index + 1 : 0;
      const id = idFor(k === 0 ? 0 : k);
      const patchMs = ms + (index + 1) * 1000;
      const description = commitMessage(random, patch.fns, patch);
      const trailers = [...patch.trailers, `Signed-off-by: ${author.name} <${author.email}>`];
      const files = rendered[index];
      const single = total === 1 && version > 1 && prevCover && random.chance(0.4);
      const message = emit({
        from: author,
        cc,
        subject: `${tag(k)} ${patch.subject}`,
        ms: patchMs,
        tz,
        id,
        mailer,
        inReplyTo: coverId ?? (single ? prevCover : undefined),
        references: coverId ? [coverId] : single ? [prevCover] : undefined,
        body: patchBody(random, {
          description,
          trailers,
          files,
          mailer: mailer.replace(/^git-send-email /, ''),
          changes:
            version > 1 && total === 1
              ? `v${version}: ${random.pick(['addressed review comments', 'rebased', 'fixed a typo in the changelog'])}`
              : undefined,
        }),
      });
      if (total === 1) prevCover = id;
      emitReviews({ patch, message, description, files, version, author, cc });
    });
    if (cover) {
      for (
        let r = random.weighted([
          [0, 50],
          [1, 35],
          [2, 15],
        ]);
        r > 0;
        r--
      ) {
        const reviewer = random.pick(people);
        const rms = ms + random.between(1, 14 * 24) * 3_600_000;
        const trailer = random.pick([
          `Acked-by: ${reviewer.name} <${reviewer.email}>`,
          `Tested-by: ${reviewer.name} <${reviewer.email}>`,
          undefined,
        ]);
        emit({
          from: reviewer,
          cc,
          subject: `Re: ${cover.subject}`,
          ms: rms,
          id: replyId(random, reviewer, rms),
          inReplyTo: coverId,
          references: [...(cover.references ?? []), coverId],
          body: `${'> '}${cover.body.split('\n')[0]}\n\n${random.pick(['Thanks, this looks like the right direction.', 'I ran this through the mm selftests, no regressions.', 'Some comments on the individual patches, but overall this is a nice cleanup.'])}\n\n${trailer ?? ''}\n`,
        });
      }
      prevCover = coverId;
    }
    ms += random.between(gapDays[0], gapDays[1]) * DAY + random.int(DAY);
  }
}

function emitReviews({ patch, message, description, files, version, author, cc }) {
  for (
    let r = random.weighted([
      [0, 40],
      [1, 35],
      [2, 18],
      [3, 7],
    ]);
    r > 0;
    r--
  ) {
    const reviewer = random.pick(people.filter((p) => p !== author));
    const rms = message.ms + random.between(1, 10 * 24) * 3_600_000 + random.int(3_600_000);
    const trailerKind = random.weighted([
      ['Reviewed-by', 35],
      ['Acked-by', 15],
      [undefined, 50],
    ]);
    const trailer = trailerKind ? `${trailerKind}: ${reviewer.name} <${reviewer.email}>` : undefined;
    if (trailer && !patch.trailers.includes(trailer)) patch.trailers.push(trailer);
    const review = reviewBody(random, {
      patchAuthor: author,
      patchMs: message.ms,
      description,
      files,
      trailer,
      wholePatch: random.chance(0.55),
    });
    const reviewId = replyId(random, reviewer, rms);
    emit({
      from: reviewer,
      cc,
      subject: `Re: ${message.subject}`,
      ms: rms,
      id: reviewId,
      inReplyTo: message.id,
      references: [...(message.references ?? []), message.id],
      body: review.body,
    });
    if (random.chance(0.4)) {
      const ams = rms + random.between(1, 72) * 3_600_000;
      const answerId = replyId(random, author, ams);
      const refs = [...(message.references ?? []), message.id, reviewId];
      emit({
        from: author,
        cc,
        subject: `Re: ${message.subject}`,
        ms: ams,
        id: answerId,
        inReplyTo: reviewId,
        references: refs,
        body: answerBody(random, { reviewer, reviewMs: rms, review, version }),
      });
      if (random.chance(0.3)) {
        const bms = ams + random.between(1, 48) * 3_600_000;
        emit({
          from: reviewer,
          cc,
          subject: `Re: ${message.subject}`,
          ms: bms,
          id: replyId(random, reviewer, bms),
          inReplyTo: answerId,
          references: [...refs, answerId],
          body: `${answerBody(random, {
            reviewer: author,
            reviewMs: ams,
            review: { body: `x\n${review.comments[0] ?? 'ok'}` },
            version,
          })
            .split('\n')
            .slice(0, -2)
            .join('\n')}\n\nSounds good.\n`,
        });
      }
    }
  }
}

// The devmap-removal series (constructed on real 6.12 code, see realDiffs.mjs): nine versions from late 2024 to
// mid 2025, one patch per group of files, the helpers' header last.
{
  const author = people[0];
  const groups = [
    ['mm/huge_memory.c'],
    ['mm/gup.c', 'mm/memory.c'],
    ['mm/mprotect.c', 'mm/mremap.c', 'mm/pagewalk.c', 'mm/hmm.c'],
    ['fs/dax.c', 'fs/userfaultfd.c', 'mm/userfaultfd.c'],
    ['include/linux/huge_mm.h', 'include/linux/pgtable.h'],
  ];
  const patches = [];
  for (const group of groups) {
    const files = devmapDiffs
      .filter((d) => group.includes(d.path))
      .map((fileDiff) => ({ fileDiff, hunks: fileDiff.hunks }));
    const rest = devmapDiffs.filter((d) => !groups.flat().includes(d.path));
    if (group[0] === 'mm/mprotect.c') files.push(...rest.map((fileDiff) => ({ fileDiff, hunks: fileDiff.hunks })));
    if (!files.length) continue;
    patches.push({
      files,
      fns: [...new Set(files.flatMap((f) => f.hunks.map((h) => h.fn)).filter(Boolean))],
      idents: ['pmd_devmap'],
      subject: `${subjectPrefix(files[0].fileDiff.path)}: remove pXX_devmap() checks`,
      fixesSubject: 'mm: add pmd_devmap()',
    });
  }
  emitSeries({
    patches,
    versions: 9,
    author,
    startMs: Date.UTC(2024, 8, 10, 9),
    title: 'mm: stop using pXX_devmap() now that DAX pages are refcounted',
    gapDays: [20, 30],
  });
}

const seriesBudget = Math.round(targetMessages * 0.9);
while (mail.length < seriesBudget) {
  const versions = random.weighted([
    [1, 45],
    [2, 20],
    [3, 13],
    [4, 8],
    [5, 5],
    [6, 3],
    [7, 2],
    [8, 2],
    [9, 2],
  ]);
  const patches = Array.from({ length: seriesCount() }, makePatch);
  const startMs = START + random.int(Math.floor((END - START - versions * 30 * DAY) / DAY)) * DAY + random.int(DAY);
  const main = patches[0];
  const title =
    patches.length > 1
      ? `${subjectPrefix(main.files[0].fileDiff.path)}: ${random.pick(['rework', 'clean up', 'convert', 'fix races in', 'prepare'])} ${main.fns[0]}() and friends`
      : main.subject;
  emitSeries({ patches, versions, author: random.pick(people), startMs, title });
}

// Noise: bug reports, questions and topics that only name symbols, with a few replies each.
while (mail.length < targetMessages - 120) {
  const from = random.pick(people);
  const ms = START + random.int(END - START);
  const { subject, body } = noiseStarter(random, allFunctions);
  const id = replyId(random, from, ms);
  const starter = emit({ from, subject, ms, id, body, cc: ccList(random, people, 2) });
  let parent = starter;
  const refs = [id];
  for (let r = random.between(0, 5); r > 0; r--) {
    const replier = random.pick(people);
    const rms = parent.ms + random.between(1, 96) * 3_600_000;
    const rid = replyId(random, replier, rms);
    parent = emit({
      from: replier,
      subject: `Re: ${subject}`,
      ms: rms,
      id: rid,
      inReplyTo: refs.at(-1),
      references: [...refs],
      body: noiseReply(random, allFunctions, parent),
    });
    refs.push(rid);
  }
}

for (const message of malformedMessages(random, { people, mail, fileDiffs, count: targetMessages - mail.length })) {
  mail.push({ ms: message.ms, seq: seq++, text: message.text });
}

mail.sort((a, b) => a.ms - b.ms || a.seq - b.seq);
fs.mkdirSync(path.dirname(out), { recursive: true });
const temporary = `${out}.${process.pid}.tmp`;
const fd = fs.openSync(temporary, 'w');
let bytes = 0;
for (const { text } of mail) {
  // mboxrd: a body line that starts with ">*From " gets one more ">" (lore's and lei's mbox format).
  const escaped = text.replace(/^(>*From )/gm, '>$1');
  const chunk = Buffer.from(
    `From mboxrd@z Thu Jan  1 00:00:00 1970\n${escaped}${escaped.endsWith('\n\n') ? '' : '\n'}`,
    'latin1',
  );
  fs.writeSync(fd, chunk);
  bytes += chunk.length;
}
fs.closeSync(fd);
fs.renameSync(temporary, out);
console.error(
  `wrote ${mail.length} messages, ${(bytes / 1e6).toFixed(1)} MB to ${out} (${Math.round((Date.now() - started) / 1000)} s; ${rfc2822(mail[0].ms)} .. ${rfc2822(mail.at(-1).ms)})`,
);
console.log(out);
