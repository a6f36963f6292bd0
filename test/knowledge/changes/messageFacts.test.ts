import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { dataDir } from '../../../server/src/base/paths';
import { getChangeCatalog } from '../../../server/src/knowledge/changes/changeCatalog';

/**
 * Every mail the data names must be named the same way everywhere: one subject per Message-ID, the subject as it
 * was posted (never a paraphrase), and every Message-ID one that the bundled data knows as a message (thread index
 * or tracked change), so a typo or an invented ID is caught here instead of in a user's browser.
 */

interface Mention {
  id: string;
  subject?: string;
  where: string;
}

function yamlFiles(sub: string): string[] {
  const dir = path.join(dataDir(), sub);
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => path.join(dir, name));
}

function load(file: string): unknown {
  return parseYaml(fs.readFileSync(file, 'utf8'));
}

/** Walks any YAML document and reports every {messageId|id, subject} pair and every bare messageId. */
function collect(node: unknown, where: string, out: Mention[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => collect(item, `${where}[${i}]`, out));
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const id =
    typeof record.messageId === 'string'
      ? record.messageId
      : typeof record.id === 'string' && record.id.includes('@')
        ? record.id
        : undefined;
  if (id) out.push({ id, subject: typeof record.subject === 'string' ? record.subject : undefined, where });
  for (const key of ['coverMessageId', 'inReplyTo']) {
    const value = record[key];
    if (typeof value === 'string') out.push({ id: value, where: `${where}.${key}` });
  }
  for (const [key, value] of Object.entries(record)) collect(value, `${where}.${key}`, out);
}

function allMentions(): Mention[] {
  const out: Mention[] = [];
  for (const sub of ['threads', 'catalog', 'changes', 'lint-rules']) {
    for (const file of yamlFiles(sub)) collect(load(file), path.relative(dataDir(), file), out);
  }
  return out;
}

/** Message-IDs the data knows as messages: the thread index and the tracked changes (patches and covers). */
function knownMessages(): Map<string, string> {
  const known = new Map<string, string>();
  for (const file of yamlFiles('threads')) {
    const doc = load(file) as { series: Array<{ messages: Array<{ messageId: string; subject: string }> }> };
    for (const series of doc.series)
      for (const message of series.messages) known.set(message.messageId, message.subject);
  }
  const changes = getChangeCatalog();
  for (const change of changes.changes) if (change.message) known.set(change.message.id, change.message.subject);
  for (const series of changes.series) if (series.cover) known.set(series.cover.id, series.cover.subject);
  return known;
}

void test('one subject per Message-ID across threads, catalog, changes and lint rules', () => {
  const subjects = new Map<string, { subject: string; where: string }>();
  const conflicts: string[] = [];
  for (const mention of allMentions()) {
    if (!mention.subject) continue;
    const seen = subjects.get(mention.id);
    if (!seen) subjects.set(mention.id, { subject: mention.subject, where: mention.where });
    else if (seen.subject !== mention.subject)
      conflicts.push(`${mention.id}: "${seen.subject}" (${seen.where}) vs "${mention.subject}" (${mention.where})`);
  }
  assert.ok(subjects.size >= 40, `only ${subjects.size} subjects found`);
  assert.deepEqual(conflicts, []);
});

void test('subjects are as posted: patch tags kept, no paraphrase or editorial note', () => {
  const bad: string[] = [];
  for (const mention of allMentions()) {
    const subject = mention.subject;
    if (!subject) continue;
    if (/exact subject|not recorded|\) of "|^\[PATCH[^\]]*\] of /.test(subject))
      bad.push(`${mention.where}: ${subject}`);
    // A posted patch or reply carries its tag; a bare commit title here would be a paraphrase of the mail.
    if (!/^(Re: |\[PATCH|\[RFC|\[v\d+ |\[GIT PULL\])/.test(subject))
      bad.push(`${mention.where}: no mail tag: ${subject}`);
  }
  assert.deepEqual(bad, []);
});

void test('every Message-ID in the data is well formed and one the bundled data knows as a message', () => {
  const known = knownMessages();
  const unknown = new Set<string>();
  for (const mention of allMentions()) {
    assert.doesNotMatch(mention.id, /[<>\s]|x{5}/, `${mention.where}: ${mention.id}`);
    if (!known.has(mention.id)) unknown.add(`${mention.id} (${mention.where})`);
  }
  assert.deepEqual([...unknown], []);
});

void test("a change's commit subject is its mail subject without the tag (first letter after the prefix may differ in case)", () => {
  const mismatched: string[] = [];
  for (const change of getChangeCatalog().changes) {
    if (!change.message) continue;
    const untagged = change.message.subject.replace(/^(\[[^\]]*\]\s*)+/, '');
    const fold = (text: string) =>
      text.replace(/^([^:]+: )(.)/, (_, prefix: string, first: string) => prefix + first.toLowerCase());
    if (fold(untagged) !== fold(change.subject))
      mismatched.push(`${change.id}: "${change.subject}" vs "${change.message.subject}"`);
  }
  assert.deepEqual(mismatched, []);
});

void test('the device-exclusive fixes carry the subjects of the v2 cover letter shortlog', () => {
  // Shortlog of "[PATCH v2 00/17] mm: fixes for device-exclusive entries (hmm)" (20250210193801.781278-1-david@redhat.com).
  const shortlog: Record<string, string> = {
    '01': 'mm/gup: reject FOLL_SPLIT_PMD with hugetlb VMAs',
    '02': 'mm/rmap: reject hugetlb folios in folio_make_device_exclusive()',
    '03': 'mm/rmap: convert make_device_exclusive_range() to make_device_exclusive()',
    '04': 'mm/rmap: implement make_device_exclusive() using folio_walk instead of rmap walk',
    '05': 'mm/memory: detect writability in restore_exclusive_pte() through can_change_pte_writable()',
    '06': 'mm: use single SWP_DEVICE_EXCLUSIVE entry type',
    '07': 'mm/page_vma_mapped: device-exclusive entries are not migration entries',
    '08': 'kernel/events/uprobes: handle device-exclusive entries correctly in __replace_page()',
    '09': 'mm/ksm: handle device-exclusive entries correctly in write_protect_page()',
    '10': 'mm/rmap: handle device-exclusive entries correctly in try_to_unmap_one()',
    '11': 'mm/rmap: handle device-exclusive entries correctly in try_to_migrate_one()',
    '12': 'mm/rmap: handle device-exclusive entries correctly in page_vma_mkclean_one()',
    '13': 'mm/page_idle: handle device-exclusive entries correctly in page_idle_clear_pte_refs_one()',
    '16': 'mm/rmap: keep mapcount untouched for device-exclusive entries',
    '17': 'mm/rmap: avoid -EBUSY from make_device_exclusive()',
  };
  const changes = getChangeCatalog().changes.filter((change) => change.series === 'dx-fixes-v2');
  for (const [part, subject] of Object.entries(shortlog)) {
    const change = changes.find((c) => c.part === `${part}/17`);
    assert.ok(change, `no change for v2 ${part}/17`);
    assert.equal(change.subject, subject);
    assert.equal(change.message?.id, `20250210193801.781278-${Number(part) + 1}-david@redhat.com`);
    assert.equal(change.message?.subject, `[PATCH v2 ${part}/17] ${subject}`);
  }
});
