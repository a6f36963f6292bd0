/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_MEMREMAP_H_
#define _LINUX_MEMREMAP_H_
/*
 * ZONE_DEVICE memory: struct pages for memory that a driver owns
 * (sample tree, 6.12 shape).
 */
#include <linux/mmzone.h>
#include <linux/range.h>
#include <linux/percpu-refcount.h>

struct dev_pagemap;

/*
 * MEMORY_DEVICE_PRIVATE: memory the CPU cannot address (GPU VRAM); CPU
 *	page tables hold device-private swap entries instead.
 * MEMORY_DEVICE_FS_DAX: persistent memory mapped by a DAX filesystem.
 */
enum memory_type {
	MEMORY_DEVICE_PRIVATE = 1,
	MEMORY_DEVICE_COHERENT,
	MEMORY_DEVICE_FS_DAX,
	MEMORY_DEVICE_GENERIC,
	MEMORY_DEVICE_PCI_P2PDMA,
};

struct dev_pagemap_ops {
	/* Called when the last reference to a device page is dropped. */
	void (*page_free)(struct page *page);

	/*
	 * The CPU touched a device-private page: move its data back to
	 * system RAM (with the migrate_vma_* helpers) so the fault can
	 * be retried. Returns 0 or a VM_FAULT_* code.
	 */
	vm_fault_t (*migrate_to_ram)(struct vm_fault *vmf);

	/* A memory error hit pages of this pagemap. */
	int (*memory_failure)(struct dev_pagemap *pgmap, unsigned long pfn,
			      unsigned long nr_pages, int mf_flags);
};

/**
 * struct dev_pagemap - metadata of a ZONE_DEVICE range
 * @ref: live references to the pagemap (dropped by put_dev_pagemap())
 * @type: which kind of device memory this is
 * @ops: driver callbacks
 * @owner: cookie that tells a driver its own device-private pages apart
 * @nr_range: number of entries in @range
 * @range: the physical ranges covered
 */
struct dev_pagemap {
	struct percpu_ref ref;
	enum memory_type type;
	const struct dev_pagemap_ops *ops;
	void *owner;
	int nr_range;
	struct range range;
};

#ifdef CONFIG_ZONE_DEVICE
void *memremap_pages(struct dev_pagemap *pgmap, int nid);
void memunmap_pages(struct dev_pagemap *pgmap);
struct dev_pagemap *get_dev_pagemap(unsigned long pfn,
		struct dev_pagemap *pgmap);
#else
static inline struct dev_pagemap *get_dev_pagemap(unsigned long pfn,
		struct dev_pagemap *pgmap)
{
	return NULL;
}
#endif /* CONFIG_ZONE_DEVICE */

static inline void put_dev_pagemap(struct dev_pagemap *pgmap)
{
	if (pgmap)
		percpu_ref_put(&pgmap->ref);
}

#endif /* _LINUX_MEMREMAP_H_ */
