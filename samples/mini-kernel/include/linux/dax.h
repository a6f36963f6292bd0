/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_DAX_H
#define _LINUX_DAX_H
/*
 * fs-dax interfaces used by filesystems (sample tree, 6.12 shape).
 */
#include <linux/fs.h>
#include <linux/mm.h>

struct dax_device;

enum dax_access_mode {
	DAX_ACCESS,
	DAX_RECOVERY_WRITE,
};

long dax_direct_access(struct dax_device *dax_dev, pgoff_t pgoff, long nr_pages,
		       enum dax_access_mode mode, void **kaddr, pfn_t *pfn);

#if IS_ENABLED(CONFIG_FS_DAX)
struct page *dax_layout_busy_page(struct address_space *mapping);
struct page *dax_layout_busy_page_range(struct address_space *mapping,
					loff_t start, loff_t end);
#else
static inline struct page *dax_layout_busy_page(struct address_space *mapping)
{
	return NULL;
}

static inline struct page *dax_layout_busy_page_range(struct address_space *mapping,
						      loff_t start, loff_t end)
{
	return NULL;
}
#endif

#endif /* _LINUX_DAX_H */
