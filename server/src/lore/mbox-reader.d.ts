// Type declarations for mbox-reader (the package ships none): only the part this server uses.
declare module 'mbox-reader' {
  import type { Readable } from 'stream';
  export interface MboxMessage {
    returnPath: string;
    time: Date | false;
    content: Buffer;
    headers: Map<string, string[]>;
    flags: string[];
    labels: string[];
    readSize: number;
  }
  export function mboxReader(source: Readable, options?: { gz?: boolean }): AsyncGenerator<MboxMessage>;
}
