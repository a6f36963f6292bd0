// SPDX-License-Identifier: GPL-2.0
/*
 * ext4's wait for idle DAX pages before blocks go away (sample tree, 6.12
 * shape). Each DAX filesystem had its own copy of this loop until 6.15.
 */
#include <linux/fs.h>
#include <linux/dax.h>
#include <linux/wait_bit.h>

static void ext4_wait_dax_page(struct inode *inode)
{
	filemap_invalidate_unlock(inode->i_mapping);
	schedule();
	filemap_invalidate_lock(inode->i_mapping);
}

/* Sleep until no DAX page of the file is pinned (refcount back to 1). */
int ext4_break_layouts(struct inode *inode)
{
	struct page *page;
	int error;

	if (WARN_ON_ONCE(!rwsem_is_locked(&inode->i_mapping->invalidate_lock)))
		return -EINVAL;

	do {
		page = dax_layout_busy_page(inode->i_mapping);
		if (!page)
			return 0;
		/* Idle is 1 here: the base reference ZONE_DEVICE pages keep. */
		error = ___wait_var_event(&page->_refcount,
				atomic_read(&page->_refcount) == 1,
				TASK_INTERRUPTIBLE, 0, 0,
				ext4_wait_dax_page(inode));
	} while (error == 0);

	return error;
}
