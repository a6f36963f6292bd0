/**
 * Rebuilds threads from Message-ID / In-Reply-To / References, after Jamie Zawinski's algorithm
 * (https://www.jwz.org/doc/threading.html): every id gets a container, References chains link
 * containers parent → child unless that would make a loop, and a message's own last reference wins over
 * links guessed from other messages. Messages whose parents were never received keep an empty parent
 * container, so a partial b4 mbox still groups under its (missing) cover letter's id.
 * Subject-based grouping is left out on purpose: kernel subjects repeat across unrelated series.
 */

export interface ThreadNodeInput {
  messageId: string;
  /** Oldest ancestor first; the last entry is the direct parent. */
  references: string[];
  date: string;
}

interface Container {
  id: string;
  hasMessage: boolean;
  parent?: Container;
  children: Container[];
  date: string;
}

export interface ThreadEntry {
  messageId: string;
  parentId?: string;
  depth: number;
  /** False for a container seen only in References (message not in the local mail). */
  present: boolean;
}

export class ThreadGraph {
  private readonly containers = new Map<string, Container>();

  constructor(messages: Iterable<ThreadNodeInput>) {
    for (const message of messages) this.addMessage(message);
  }

  private container(id: string): Container {
    let found = this.containers.get(id);
    if (!found) {
      found = { id, hasMessage: false, children: [], date: '' };
      this.containers.set(id, found);
    }
    return found;
  }

  /** True if `candidate` is `node` or one of its ancestors (bounded walk: the graph is kept loop-free). */
  private isAncestorOrSelf(candidate: Container, node: Container): boolean {
    for (let cursor: Container | undefined = node; cursor; cursor = cursor.parent) {
      if (cursor === candidate) return true;
    }
    return false;
  }

  private link(parent: Container, child: Container): boolean {
    if (child.parent === parent) return true;
    // Refuse links that would make a loop (References lists that repeat or contradict each other).
    if (this.isAncestorOrSelf(child, parent)) return false;
    if (child.parent) child.parent.children = child.parent.children.filter((c) => c !== child);
    child.parent = parent;
    parent.children.push(child);
    return true;
  }

  private addMessage(message: ThreadNodeInput): void {
    const own = this.container(message.messageId);
    if (own.hasMessage) return; // duplicate Message-ID: the first copy wins
    own.hasMessage = true;
    own.date = message.date;
    const chain = message.references.filter((id, index, all) => id !== message.messageId && all.indexOf(id) === index);
    for (let i = 0; i + 1 < chain.length; i++) {
      const parent = this.container(chain[i]);
      const child = this.container(chain[i + 1]);
      // Links guessed from someone else's References never override an existing parent.
      if (!child.parent) this.link(parent, child);
    }
    const direct = chain.at(-1);
    if (direct) this.link(this.container(direct), own);
  }

  has(id: string): boolean {
    return this.containers.get(id)?.hasMessage ?? false;
  }

  /** Id of the top of the thread holding `id` (may be a container without a local message). */
  rootOf(id: string): string {
    let cursor = this.containers.get(id);
    if (!cursor) return id;
    while (cursor.parent) cursor = cursor.parent;
    return cursor.id;
  }

  parentOf(id: string): string | undefined {
    return this.containers.get(id)?.parent?.id;
  }

  /** The whole thread of `id`, depth-first, siblings by date then id. */
  threadOf(id: string): ThreadEntry[] {
    const root = this.containers.get(this.rootOf(id));
    if (!root) return [];
    const out: ThreadEntry[] = [];
    // Explicit stack: a hostile mbox can chain thousands of replies, deeper than the JS call stack.
    const stack: Array<{ node: Container; depth: number }> = [{ node: root, depth: 0 }];
    while (stack.length > 0) {
      const { node, depth } = stack.pop()!;
      out.push({ messageId: node.id, parentId: node.parent?.id, depth, present: node.hasMessage });
      const children = [...node.children].sort((a, b) => b.date.localeCompare(a.date) || b.id.localeCompare(a.id));
      for (const child of children) stack.push({ node: child, depth: depth + 1 });
    }
    return out;
  }
}
