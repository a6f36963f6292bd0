/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_RMAP_H
#define _LINUX_RMAP_H
/*
 * Reverse mapping declarations (sample tree, 6.12 shape).
 */
#include <linux/mm_types.h>
#include <linux/mmu_notifier.h>

struct anon_vma;

/*
 * rmap_walk_control: what a reverse-map walk does for each mapping of a folio.
 * @rmap_one returns false to stop the walk early.
 */
struct rmap_walk_control {
	void *arg;
	bool (*rmap_one)(struct folio *folio, struct vm_area_struct *vma,
			 unsigned long addr, void *arg);
	int (*done)(struct folio *folio);
	struct anon_vma *(*anon_lock)(struct folio *folio,
				      struct rmap_walk_control *rwc);
};

void rmap_walk(struct folio *folio, struct rmap_walk_control *rwc);
int folio_not_mapped(struct folio *folio);
struct anon_vma *folio_lock_anon_vma_read(struct folio *folio,
					  struct rmap_walk_control *rwc);

void folio_add_anon_rmap_pte(struct folio *folio, struct page *page,
			     struct vm_area_struct *vma, unsigned long address,
			     int flags);
void folio_remove_rmap_pte(struct folio *folio, struct page *page,
			   struct vm_area_struct *vma);

#ifdef CONFIG_DEVICE_PRIVATE
int make_device_exclusive_range(struct mm_struct *mm, unsigned long start,
				unsigned long end, struct page **pages,
				void *owner);
#endif

#endif	/* _LINUX_RMAP_H */
