import * as fs from 'fs';
import * as path from 'path';
import {
  ConfigurationStatusNotification,
  Requests,
  type ConfigurationChoices,
  type ConfigurationStatus,
} from '../../../../protocol';
import type { ServerFeature } from '../feature';
import type { ConfigurationState } from '../../configuration/configurationService';

function toStatus(state: ConfigurationState): ConfigurationStatus {
  return { ...state };
}

/** Where kernel configurations usually are on a developer's machine, besides the tree's own `.config`. */
const DEBIAN_CONFIG_FOLDERS = '/usr/src';

/**
 * The configuration in use, for status bars (`kernelMmLens/getConfigurationStatus`, and a notification when it
 * changes), and what a picker can offer (`kernelMmLens/configurationChoices`): the tree's `.config`, Debian's
 * `/usr/src/linux-config-*` files, `/proc/config.gz`, and the tree's architectures.
 */
export const configurationFeature: ServerFeature = {
  name: 'configuration',
  capabilities: () => ({}),
  register(ctx) {
    ctx.connection.onRequest(Requests.configurationStatus, () => toStatus(ctx.configuration.state()));
    ctx.configuration.onChange((state) => {
      try {
        void ctx.connection.sendNotification(ConfigurationStatusNotification, toStatus(state)).catch(() => undefined);
      } catch {
        /* connection closed */
      }
    });
    ctx.connection.onRequest(Requests.configurationChoices, (): ConfigurationChoices => {
      const configs: ConfigurationChoices['configs'] = [];
      const add = (file: string, label: string, description?: string) => {
        try {
          if (fs.statSync(file).isFile()) configs.push({ file, label, description });
        } catch {
          /* not there */
        }
      };
      if (ctx.root) add(path.join(ctx.root, '.config'), '.config', 'the tree');
      for (const folder of listSorted(DEBIAN_CONFIG_FOLDERS).filter((name) => name.startsWith('linux-config-'))) {
        for (const name of listSorted(path.join(DEBIAN_CONFIG_FOLDERS, folder)).filter((n) => n.startsWith('config.')))
          add(path.join(DEBIAN_CONFIG_FOLDERS, folder, name), name, folder);
      }
      add('/proc/config.gz', 'config.gz', 'the running kernel');
      const arches = ctx.root
        ? listSorted(path.join(ctx.root, 'arch')).filter((name) => isDirectory(path.join(ctx.root!, 'arch', name)))
        : [];
      return { configs, arches };
    });
  },
};

function listSorted(folder: string): string[] {
  try {
    return fs.readdirSync(folder).sort();
  } catch {
    return [];
  }
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}
