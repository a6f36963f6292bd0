/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H
/*
 * A few mm declarations (sample tree, 6.12 shape): the ZONE_DEVICE side of
 * put_page() and the PFN insertion helpers fs-dax uses.
 */
#include <linux/mm_types.h>
#include <linux/memremap.h>
#include <linux/pfn.h>

static inline bool folio_is_zone_device(const struct folio *folio)
{
	return folio_zonenum(folio) == ZONE_DEVICE;
}

#if defined(CONFIG_ZONE_DEVICE) && defined(CONFIG_FS_DAX)
/* Enabled while fs-dax pages exist: their idle refcount is 1, not 0. */
DECLARE_STATIC_KEY_FALSE(devmap_managed_key);

bool __put_devmap_managed_folio_refs(struct folio *folio, int refs);
static inline bool put_devmap_managed_folio_refs(struct folio *folio, int refs)
{
	if (!static_branch_unlikely(&devmap_managed_key))
		return false;
	if (!folio_is_zone_device(folio))
		return false;
	return __put_devmap_managed_folio_refs(folio, refs);
}
#else /* CONFIG_ZONE_DEVICE && CONFIG_FS_DAX */
static inline bool put_devmap_managed_folio_refs(struct folio *folio, int refs)
{
	return false;
}
#endif /* CONFIG_ZONE_DEVICE && CONFIG_FS_DAX */

static inline void put_page(struct page *page)
{
	struct folio *folio = page_folio(page);

	/* fs-dax pages stop at refcount 1 and wake layout breakers there. */
	if (put_devmap_managed_folio_refs(folio, 1))
		return;
	folio_put(folio);
}

vm_fault_t vmf_insert_mixed(struct vm_area_struct *vma, unsigned long addr,
			    pfn_t pfn);
vm_fault_t vmf_insert_mixed_mkwrite(struct vm_area_struct *vma,
				    unsigned long addr, pfn_t pfn);

#endif /* _LINUX_MM_H */
