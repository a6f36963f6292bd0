#!/usr/bin/env node
// Measures the mail reader at real size, each case in a fresh process under /usr/bin/time (wall, user CPU, peak
// RSS): the generated list archive (first run with an empty cache, then the repeat), the same symbol through lei
// on its public-inbox, a .mbox.gz gzip bomb that expands to 1 GiB, and a maildir of 2,000 files.
// Usage: node scripts/lore-archive/measure-mail.mjs [ARCHIVE.mbox] [INBOX]   (defaults: the generated archive
// and inbox in ~/.cache/kernel-mm-lens/lore-archive; cases whose input is missing are skipped with a line).
// Timings on a shared machine are noisy: compare within one run, and read user CPU next to wall time.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { homedir, tmpdir, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'bin', 'kernel-mm-lens.js');
const archiveDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kernel-mm-lens', 'lore-archive');
const archive = process.argv[2] ?? join(archiveDir, 'linux-mm-generated.mbox');
const inbox = process.argv[3] ?? join(archiveDir, 'linux-mm-generated.inbox');
const work = mkdtempSync(join(tmpdir(), 'kml-measure-mail-'));

function timed(label, args, { parse } = {}) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %M', process.execPath, cli, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const [wall, user, kb] = result.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  const note = parse ? parse(result.stdout) : '';
  console.log(`${label}: ${wall} s wall, ${user} s user, ${Math.round(kb / 1024)} MB peak RSS ${note}`);
}

/**
 * Where the wall time of a run goes, from /proc/PID/task/TID/schedstat sampled every 50 ms (Linux): the main
 * thread's running time, its time runnable but waiting for a CPU (other processes had the cores) and its sleep
 * (I/O, waiting for workers); the CPU of all threads and of the busiest one (what the wall would be on idle cores).
 */
function scheduled(label, args, env = {}) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const load = loadavg()[0].toFixed(1);
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...process.env, ...env },
    });
    const tasks = new Map();
    let peakKb = 0;
    const sample = () => {
      try {
        for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
          const [run, wait] = readFileSync(`/proc/${child.pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
          tasks.set(tid, { run, wait });
        }
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // the process ended between two reads
      }
    };
    const timer = setInterval(sample, 50);
    child.on('exit', () => {
      clearInterval(timer);
      const wall = Number(process.hrtime.bigint() - start) / 1e9;
      const main = tasks.get(String(child.pid)) ?? { run: 0, wait: 0 };
      const runs = [...tasks.values()].map((t) => t.run / 1e9);
      const s = (x) => x.toFixed(1);
      console.log(
        `${label}: ${s(wall)} s wall at load ${load}: main thread ${s(main.run / 1e9)} s running, ` +
          `${s(main.wait / 1e9)} s waiting for a CPU, ${s(wall - (main.run + main.wait) / 1e9)} s asleep; ` +
          `CPU ${s(runs.reduce((a, b) => a + b, 0))} s in ${runs.length} threads, busiest ${s(Math.max(...runs))} s; ` +
          `peak RSS ${Math.round(peakKb / 1024)} MB`,
      );
      resolve();
    });
  });
}

const entries = (stdout) => {
  const list = JSON.parse(stdout);
  const folded = list.filter((e) => e.versions.length > 1).length;
  return `(${list.length} entries, ${folded} with folded versions; first: ${list[0]?.title ?? '-'})`;
};

function mail(id, subject, body, extra = []) {
  return [
    'From mboxrd@z Thu Jan  1 00:00:00 1970',
    'From: Ann Author <ann@example.org>',
    'Date: Mon, 3 Feb 2025 10:00:00 +0000',
    `Message-ID: <${id}>`,
    `Subject: ${subject}`,
    ...extra,
    '',
    body,
    '',
  ].join('\n');
}

try {
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  if (existsSync(archive)) {
    const cache = join(work, 'cache');
    const args = ['threads', 'pmd_devmap', '--mail', archive, '--json'];
    process.env.XDG_CACHE_HOME = cache; // the default cache folder, as a user gets it (no flag)
    timed('archive, first run (empty cache)', args, { parse: entries });
    timed('archive, repeat (no flag)', args, { parse: entries });
    // The same first run again, split by the scheduler, on one thread and with two parse workers.
    if (existsSync('/proc/self/task')) {
      for (const workers of ['1', '2']) {
        process.env.XDG_CACHE_HOME = join(work, `cache-${workers}`);
        await scheduled(`archive, first run, ${workers} parse thread(s)`, args, { KML_MAIL_WORKERS: workers });
      }
      await scheduled('archive, repeat', args);
    }
  } else console.log(`archive: ${archive} not found, skipped (node scripts/lore-archive/generate.mjs)`);

  if (existsSync(inbox)) {
    process.env.XDG_CACHE_HOME = join(work, 'lei-cache');
    timed('lei --external on the archive inbox', ['threads', 'pmd_devmap', '--external', inbox, '--json'], {
      parse: entries,
    });
  } else console.log(`inbox: ${inbox} not found, skipped (scripts/lore-archive/build-inbox.sh)`);

  // A gzip bomb: one real message, then 1 GiB of one repeated line (concatenated gzip members, ~2.6 MB).
  process.env.XDG_CACHE_HOME = join(work, 'bomb-cache');
  const bomb = join(work, 'bomb.mbox.gz');
  const fd = openSync(bomb, 'w');
  writeSync(fd, gzipSync(mail('real@x', '[PATCH] mm: bomb_neighbour()', 'bomb_neighbour() changes.')));
  const member = gzipSync(Buffer.alloc(1024 * 1024, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n'));
  for (let i = 0; i < 1024; i++) writeSync(fd, member);
  closeSync(fd);
  timed('gzip bomb (1 GiB expanded)', ['threads', 'bomb_neighbour', '--mail', bomb, '--json'], {
    parse: (out) => `(${JSON.parse(out).length} entry)`,
  });

  // A maildir of 2,000 files.
  process.env.XDG_CACHE_HOME = join(work, 'maildir-cache');
  const maildir = join(work, 'maildir');
  mkdirSync(join(maildir, 'cur'), { recursive: true });
  mkdirSync(join(maildir, 'new'));
  for (let i = 0; i < 2000; i++) {
    const text = mail(
      `md${i}@x`,
      `[PATCH v${1 + (i % 3)}] mm: maildir_symbol_${i % 10}()`,
      `maildir_symbol_${i % 10}()`,
    );
    writeFileSync(
      join(maildir, i % 2 ? 'cur' : 'new', `${1700000000 + i}.M${i}.host:2,S`),
      text.replace(/^From .*\n/, ''),
    );
  }
  timed('maildir of 2,000 files, first run', ['threads', 'maildir_symbol_3', '--mail', maildir, '--json'], {
    parse: entries,
  });
  timed('maildir of 2,000 files, repeat', ['threads', 'maildir_symbol_3', '--mail', maildir, '--json'], {
    parse: entries,
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
