import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { changesCommand } from '../../server/src/cli/changesCommand';
import type { ChangesReport } from '../../server/src/knowledge/changes/changesJson';
import { captureIo } from '../captureIo';

const partial = path.join(__dirname, '..', 'fixtures', 'changes', 'tree-6.12-partial');
const modern = path.join(__dirname, '..', 'fixtures', 'changes', 'tree-6.19');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const capture = captureIo();
  const code = await changesCommand.run(argv, capture.io);
  return { code, out: capture.text(), err: capture.errors() };
}

void test('changes --json: messageId, subject, release, status and evidence for every tracked change', async () => {
  const { code, out, err } = await run(['--json', partial]);
  assert.equal(err, '');
  assert.equal(code, 0);
  const report = JSON.parse(out) as ChangesReport;
  assert.equal(report.tree, partial);
  assert.equal(report.kernelVersion, '6.12.118');
  assert.equal(report.basis, 'files');
  const byId = new Map(report.changes.map((change) => [change.id, change]));
  const hugetlb = byId.get('dx-fixes-02-rmap-hugetlb')!;
  assert.equal(hugetlb.messageId, '20250210193801.781278-3-david@redhat.com');
  assert.equal(hugetlb.subject, 'mm/rmap: reject hugetlb folios in folio_make_device_exclusive()');
  assert.equal(hugetlb.release, '6.15');
  assert.equal(hugetlb.status, 'present');
  assert.equal(hugetlb.versionRelation, 'backport');
  assert.equal(hugetlb.evidence?.file, 'mm/rmap.c');
  assert.equal(typeof hugetlb.evidence?.line, 'number');
  assert.equal(hugetlb.lore, 'https://lore.kernel.org/all/20250210193801.781278-3-david@redhat.com/');
  const pvmw = byId.get('dx-fixes-07-pvmw-not-migration')!;
  assert.equal(pvmw.messageId, '20250210193801.781278-8-david@redhat.com');
  assert.equal(pvmw.status, 'absent');
  assert.equal(pvmw.evidence?.file, 'mm/page_vma_mapped.c');
  // A change without its own mail record points at its series cover.
  assert.equal(byId.get('dx-cleanups-1-test-hmm-single-page')!.messageId, '20250226132257.2826043-1-david@redhat.com');
  assert.equal(byId.get('hmm-livelock-wait-on-locked')!.release, null);
  assert.equal(byId.get('hmm-livelock-wait-on-locked')!.releaseBasis, 'pending');
});

void test('changes: --topic and --status filter; the table marks backports and counts them', async () => {
  const { code, out } = await run(['--topic', 'device-exclusive', '--status', 'present', partial]);
  assert.equal(code, 0);
  assert.match(out, /^Tree .*tree-6\.12-partial \(Makefile 6\.12\.118\); answers from the files the probes name/);
  assert.match(
    out,
    /present {2}v2 01\/17 mm\/gup: reject FOLL_SPLIT_PMD with hugetlb VMAs \(mainline 6\.15\) \[backport\]\n {10}mm\/gup\.c:\d+ {2}if \(\(gup_flags & FOLL_SPLIT_PMD\) &&/,
  );
  assert.doesNotMatch(out, /^(absent|partial|unknown) /m);
  assert.match(out, /\n3 changes: 3 present, 0 partial, 0 absent, 0 unknown; 3 backported\n$/);
  const modernRun = await run(['--topic', 'leaf-entries', '--json', modern]);
  const report = JSON.parse(modernRun.out) as ChangesReport;
  assert.ok(report.changes.length >= 2);
  assert.ok(report.changes.every((change) => change.topics.includes('leaf-entries') && change.status === 'present'));
});

void test('changes --index answers from the whole-tree index', async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-changes-cache-'));
  try {
    const { code, out } = await run(['--json', '--index', '--cache-dir', cache, partial]);
    assert.equal(code, 0);
    const report = JSON.parse(out) as ChangesReport;
    assert.equal(report.basis, 'index');
    const byId = (id: string) => report.changes.find((change) => change.id === id);
    assert.equal(byId('dx-fixes-02-rmap-hugetlb')?.status, 'present');
    assert.equal(byId('dx-fixes-02-rmap-hugetlb')?.evidence?.file, 'mm/rmap.c');
    // The index sees the whole tree, but the fixture has none of the files where devmap_managed_key lived: an
    // absence there proves no removal.
    assert.equal(byId('devmap-remove-managed-key')?.status, 'unknown');
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

void test('changes: a folder that is not a kernel tree, a bad status or version is a clear error', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-not-a-tree-'));
  const outside = await run([empty]);
  assert.equal(outside.code, 2);
  assert.match(outside.err, /no kernel tree at or above/);
  await assert.rejects(run(['--status', 'maybe', partial]), /--status: expected present, absent, partial or unknown/);
  await assert.rejects(run(['--kernel-version', 'six', partial]), /not a version/);
  await assert.rejects(run([partial, modern]), /one TREE/);
});
