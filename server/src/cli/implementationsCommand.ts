import * as path from 'path';
import type { CliCommand } from './command';
import { parseArgs, stringOption, UsageError } from './args';
import { treeIndexForCli } from './treeIndexForCli';
import { findKernelTreeRoot } from '../base/kernelVersion';
import type { OpsStore } from '../knowledge/opsTables';
import { opsTablesOnDisk } from '../knowledge/opsTableAccess';
import { definitionOfStore } from '../knowledge/storeDefinition';

/**
 * `kernel-mm-lens implementations TYPE.FIELD`: every function stored into a function-pointer field of a struct
 * type (`dev_pagemap_ops.migrate_to_ram`), from the same ops tables the editor's call hierarchy and Go to
 * Implementation use (knowledge/opsTables.ts).
 */
export const implementationsCommand: CliCommand = {
  name: 'implementations',
  usage: 'implementations TYPE.FIELD [--root DIR] [--cache-dir DIR] [--json]',
  summary: 'Functions stored into a function-pointer field of a struct (ops tables), with where they are stored.',
  options: {
    root: { value: true, help: 'kernel tree root (default: found upwards from the current folder)' },
    'cache-dir': { value: true, help: 'index cache folder (default $XDG_CACHE_HOME/kernel-mm-lens)' },
    json: {
      help: 'JSON: [{"function", "file", "line", "definition": {"file", "line"}, "kind", "inferred", "macro"}]; tables built by macros not expanded are named on stderr',
    },
  },
  async run(argv, io) {
    const args = parseArgs(argv, this.options);
    if (args.positionals.length !== 1) throw new UsageError('implementations needs one TYPE.FIELD');
    const wanted = /^(?:struct\s+)?([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(args.positionals[0].trim());
    if (!wanted)
      throw new UsageError(`expected TYPE.FIELD (dev_pagemap_ops.migrate_to_ram), got "${args.positionals[0]}"`);
    const [, type, field] = wanted;
    const rootOption = stringOption(args, 'root') ?? findKernelTreeRoot(process.cwd());
    if (!rootOption) throw new UsageError('no kernel tree here: pass --root DIR');
    const root = path.resolve(rootOption);
    const index = await treeIndexForCli(root, stringOption(args, 'cache-dir'));
    if (!index) {
      io.err.write(`kernel-mm-lens implementations: cannot index ${root}\n`);
      return 2;
    }
    const { ops } = await opsTablesOnDisk(index);
    if (!ops.functionPointerTypes(field).includes(type)) {
      io.err.write(
        `kernel-mm-lens implementations: no function-pointer field ${field} in struct ${type} in this tree\n`,
      );
      return 1;
    }
    const stores = ops.implementations(type, field);
    const rows = stores.map((store: OpsStore) => {
      const definition = definitionOfStore(index, store, (d) => d.kind === 'function');
      return {
        function: store.function,
        file: store.file,
        line: store.line + 1,
        definition: definition ? { file: definition.file, line: definition.nameRange.start.line + 1 } : null,
        kind: store.kind,
        inferred: store.inferred,
        ...(store.macro ? { macro: store.macro } : {}),
      };
    });
    const unexpanded = ops.unexpandedMacros(field);
    if (args.options.json) io.out.write(`${JSON.stringify(rows, null, 2)}\n`);
    else {
      for (const row of rows)
        io.out.write(
          `${row.function}\t${row.file}:${row.line}${row.kind === 'assignment' ? ' (assigned)' : ''}${row.macro ? ` (${row.macro})` : ''}${row.inferred ? ' (inferred from the field name)' : ''}\n`,
        );
      io.err.write(`${rows.length} implementation(s) of ${type}.${field}\n`);
    }
    // Said in both modes, on stderr so the JSON stays the list: tables a macro builds that are not expanded.
    for (const macro of unexpanded)
      io.err.write(
        `note: ${field} is also stored by tables that ${macro.macro}() builds (${macro.file}:${macro.line + 1}), a macro not expanded: those implementations are not listed\n`,
      );
    return 0;
  },
};
