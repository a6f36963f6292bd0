import { Requests, type ChangesReport } from '../../../../protocol';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import { changesJson } from '../../knowledge/changes/changesJson';

/**
 * `kernelMmLens/treeChanges`: every tracked upstream change with its status for the workspace tree and the
 * line that shows it (the changes view, other editors' scripts). Answered by the server's one evidence service
 * (`ctx.treeChanges()`), so the view, the hover and the CLI agree.
 */
export const changesFeature: ServerFeature = {
  name: 'changes',
  capabilities: () => ({}),
  register(ctx: ServerContext) {
    ctx.connection.onRequest(Requests.treeChanges, (params): ChangesReport | null => {
      if (!ctx.root) return null;
      try {
        if (params?.refresh) ctx.refreshTreeChanges();
        const changes = ctx.treeChanges();
        if (!changes) return null;
        const topic = typeof params?.topic === 'string' && params.topic ? params.topic : undefined;
        return changesJson(changes, ctx.root, changes.all({ topic }));
      } catch (err) {
        ctx.log(`tree changes failed: ${(err as Error)?.message ?? err}`);
        return null;
      }
    });
  },
};
