// Deterministic pieces of kernel-list-like mail: a seeded PRNG, fictional people (no real person is named or
// impersonated: every address is under a reserved example domain), Message-IDs in the styles kernel mail really
// uses (git send-email, b4, mutt, notmuch/gnus, Gmail, Thunderbird), RFC 2822 dates, diffstats, quoting.

export function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    // mulberry32: small, fast, and the same sequence on every platform.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return {
    next,
    int,
    between: (lo, hi) => lo + int(hi - lo + 1),
    chance: (p) => next() < p,
    pick: (list) => list[int(list.length)],
    /** weights: [[value, weight], ...] */
    weighted: (pairs) => {
      let total = 0;
      for (const [, w] of pairs) total += w;
      let r = next() * total;
      for (const [value, w] of pairs) if ((r -= w) < 0) return value;
      return pairs[pairs.length - 1][0];
    },
    hex: (n) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join(''),
    alnum: (n, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789') =>
      Array.from({ length: n }, () => alphabet[int(alphabet.length)]).join(''),
  };
}

const FIRST = [
  'Ada',
  'Bram',
  'Carla',
  'Dario',
  'Elin',
  'Farid',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Kira',
  'Lars',
  'Mira',
  'Nikhil',
  'Oona',
  'Pavel',
  'Quinn',
  'Rosa',
  'Sven',
  'Tamar',
  'Umar',
  'Vera',
  'Wei',
  'Xenia',
  'Yusuf',
  'Zofia',
  'Anil',
  'Beatriz',
  'Chen',
  'Dmitri',
  'Esra',
  'Felix',
  'Gwen',
  'Hugo',
  'Ilse',
  'Jin',
  'Kofi',
  'Lena',
  'Marek',
  'Noor',
];
const LAST = [
  'Abara',
  'Brandt',
  'Castell',
  'Dorner',
  'Eklund',
  'Ferreira',
  'Gallo',
  'Hattori',
  'Ivanova',
  'Jansen',
  'Kowal',
  'Lindqvist',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quist',
  'Rahman',
  'Sato',
  'Tanaka',
  'Ulrich',
  'Varga',
  'Weber',
  'Yilmaz',
  'Zeller',
  'Almeida',
  'Bauer',
  'Costa',
  'Dahl',
  'Engel',
];
const DOMAINS = [
  'example.com',
  'example.org',
  'example.net',
  'mail.example.com',
  'dev.example.org',
  'corp.example.net',
];

/** A fixed cast of fictional developers, the same for a seed. */
export function makePeople(random, count = 90) {
  const people = [];
  const seen = new Set();
  while (people.length < count) {
    const first = random.pick(FIRST);
    const last = random.pick(LAST);
    const key = `${first} ${last}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const domain = random.pick(DOMAINS);
    const user = random.chance(0.5) ? `${first}.${last}`.toLowerCase() : `${first[0]}${last}`.toLowerCase();
    people.push({
      name: key,
      email: `${user}@${domain}`,
      user,
      domain,
      // How this person's mailer writes Message-IDs of replies.
      replyStyle: random.pick(['mutt', 'mutt', 'gnus', 'gmail', 'thunderbird', 'sendemail']),
      host: random.pick([
        'casper.example.com',
        'thinkpad',
        'devbox.example.net',
        'laptop.example.org',
        'ws-' + random.alnum(4),
      ]),
    });
  }
  return people;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** `git send-email`: 20250210193801.781278-3-user@domain (cover -1-, patch k is -(k+1)-). */
export function sendEmailId(ms, pid, k, person) {
  const d = new Date(ms);
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return `${stamp}.${pid}-${k}-${person.user}@${person.domain}`;
}

/** b4 send: 20250210-topic-slug-v3-2-0a1b2c3d4e5f@domain (cover 0). */
export function b4Id(ms, slug, version, k, changeId, person) {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${slug}-v${version}-${k}-${changeId}@${person.domain}`;
}

/** A reply's Message-ID the way the replier's mailer writes it. */
export function replyId(random, person, ms) {
  switch (person.replyStyle) {
    case 'mutt':
      return `${random.alnum(14, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}@${person.host}`;
    case 'gnus':
      return `87${random.alnum(8)}.fsf@${person.host}`;
    case 'gmail':
      return `CA+${random.alnum(40, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-=')}@mail.gmail.com`;
    case 'thunderbird':
      return `${random.hex(8)}-${random.hex(4)}-${random.hex(4)}-${random.hex(4)}-${random.hex(12)}@${person.domain}`;
    default:
      return sendEmailId(ms, random.between(1000, 999999), 1, person);
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 2822 date in a given zone offset (minutes east of UTC). */
export function rfc2822(ms, offsetMinutes = 0) {
  const d = new Date(ms + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** The attribution line mutt writes above a quote. */
export function attribution(ms, person) {
  const d = new Date(ms);
  const h = d.getUTCHours();
  return `On ${DAYS[d.getUTCDay()]}, ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())}, ${d.getUTCFullYear()} at ${pad(h % 12 || 12)}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${h < 12 ? 'AM' : 'PM'} +0000, ${person.name} wrote:`;
}

/** ` mm/huge_memory.c | 12 ++++++------` lines and the summary line, as git format-patch writes them. */
export function diffstat(files) {
  const width = Math.max(...files.map((f) => f.path.length));
  const lines = files.map((f) => {
    const total = f.added + f.removed;
    const scale = total > 50 ? 50 / total : 1;
    return ` ${f.path.padEnd(width)} | ${String(total).padStart(3)} ${'+'.repeat(Math.round(f.added * scale))}${'-'.repeat(Math.round(f.removed * scale))}`;
  });
  const added = files.reduce((n, f) => n + f.added, 0);
  const removed = files.reduce((n, f) => n + f.removed, 0);
  const parts = [`${files.length} file${files.length === 1 ? '' : 's'} changed`];
  if (added) parts.push(`${added} insertion${added === 1 ? '' : 's'}(+)`);
  if (removed) parts.push(`${removed} deletion${removed === 1 ? '' : 's'}(-)`);
  return [...lines, ` ${parts.join(', ')}`].join('\n');
}

export function quote(text, prefix = '> ') {
  return text
    .split('\n')
    .map((line) => (line ? `${prefix}${line}` : prefix.trimEnd()))
    .join('\n');
}

/** Subject prefix kernel developers use for a path: mm/huge_memory.c → mm/huge_memory, include/linux/mm.h → mm. */
export function subjectPrefix(file) {
  if (file.startsWith('mm/')) return file.replace(/\.[ch]$/, '');
  if (file.startsWith('include/linux/'))
    return random1(file) ? 'mm' : file.replace(/^include\/linux\//, '').replace(/\.h$/, '');
  if (file.startsWith('fs/'))
    return file.replace(/\.[ch]$/, '').replace(/\/[^/]+$/, (m) => (file.split('/').length > 2 ? '' : m));
  if (file.startsWith('drivers/gpu/drm/')) return `drm/${file.split('/')[3]}`;
  if (file.startsWith('arch/x86/')) return 'x86/mm';
  if (file.startsWith('lib/')) return file.replace(/\.[ch]$/, '');
  if (file.startsWith('kernel/')) return file.replace(/^kernel\//, '').replace(/\.[ch]$/, '');
  if (file.startsWith('virt/kvm')) return 'KVM';
  return file.split('/')[0];
}

function random1(text) {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) | 0;
  return (h & 1) === 0;
}
