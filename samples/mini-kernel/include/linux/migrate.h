/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_MIGRATE_H
#define _LINUX_MIGRATE_H
/*
 * Migration to and from device memory (sample tree, 6.12 shape).
 */
#include <linux/mm.h>

#define MIGRATE_PFN_VALID	(1UL << 0)
#define MIGRATE_PFN_MIGRATE	(1UL << 1)
#define MIGRATE_PFN_WRITE	(1UL << 3)
#define MIGRATE_PFN_SHIFT	6

enum migrate_vma_direction {
	MIGRATE_VMA_SELECT_SYSTEM = 1 << 0,
	MIGRATE_VMA_SELECT_DEVICE_PRIVATE = 1 << 1,
	MIGRATE_VMA_SELECT_DEVICE_COHERENT = 1 << 2,
};

/*
 * One migration of a virtual range: migrate_vma_setup() fills @src and
 * isolates the pages, the driver allocates and copies into @dst,
 * migrate_vma_pages() switches the mappings, migrate_vma_finalize() cleans up.
 */
struct migrate_vma {
	struct vm_area_struct	*vma;
	unsigned long		*dst;
	unsigned long		*src;
	unsigned long		cpages;
	unsigned long		npages;
	unsigned long		start;
	unsigned long		end;
	void			*pgmap_owner;	/* only this owner's device pages */
	unsigned long		flags;		/* MIGRATE_VMA_SELECT_* */
	struct page		*fault_page;	/* locked by do_swap_page() */
};

int migrate_vma_setup(struct migrate_vma *args);
void migrate_vma_pages(struct migrate_vma *migrate);
void migrate_vma_finalize(struct migrate_vma *migrate);

#endif /* _LINUX_MIGRATE_H */
