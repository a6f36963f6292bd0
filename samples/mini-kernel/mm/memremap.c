// SPDX-License-Identifier: GPL-2.0
/*
 * ZONE_DEVICE page maps (sample tree, 6.12 shape): looking up the
 * dev_pagemap of a PFN and the fs-dax special case of dropping a reference.
 */
#include <linux/mm.h>
#include <linux/memremap.h>
#include <linux/pfn_t.h>
#include <linux/xarray.h>

static DEFINE_XARRAY(pgmap_array);

/**
 * get_dev_pagemap() - take a reference on the dev_pagemap of a PFN
 * @pfn: the page frame to look up
 * @pgmap: a pagemap the caller already holds a reference on, or NULL
 *
 * If @pfn lies in @pgmap, @pgmap is returned as is; otherwise its reference
 * is dropped and the pagemap covering @pfn is looked up.
 *
 * Return: a live pagemap with a reference the caller drops with
 * put_dev_pagemap(), or NULL if @pfn is not device memory (or is going away).
 */
struct dev_pagemap *get_dev_pagemap(unsigned long pfn,
		struct dev_pagemap *pgmap)
{
	resource_size_t phys = PFN_PHYS(pfn);

	if (pgmap) {
		if (phys >= pgmap->range.start && phys <= pgmap->range.end)
			return pgmap;
		put_dev_pagemap(pgmap);
	}

	rcu_read_lock();
	pgmap = xa_load(&pgmap_array, PHYS_PFN(phys));
	if (pgmap && !percpu_ref_tryget_live_rcu(&pgmap->ref))
		pgmap = NULL;
	rcu_read_unlock();
	return pgmap;
}
EXPORT_SYMBOL_GPL(get_dev_pagemap);

void free_zone_device_folio(struct folio *folio)
{
	struct dev_pagemap *pgmap = folio->page.pgmap;

	if (WARN_ON_ONCE(!pgmap->ops || !pgmap->ops->page_free))
		return;
	folio->mapping = NULL;
	pgmap->ops->page_free(folio_page(folio, 0));

	switch (pgmap->type) {
	case MEMORY_DEVICE_PRIVATE:
	case MEMORY_DEVICE_COHERENT:
		put_dev_pagemap(pgmap);
		break;
	case MEMORY_DEVICE_FS_DAX:
	case MEMORY_DEVICE_GENERIC:
		/* Back to the idle count of 1 these pages are handed out at. */
		folio_set_count(folio, 1);
		break;
	default:
		break;
	}
}

#ifdef CONFIG_FS_DAX
DEFINE_STATIC_KEY_FALSE(devmap_managed_key);

bool __put_devmap_managed_folio_refs(struct folio *folio, int refs)
{
	if (folio->page.pgmap->type != MEMORY_DEVICE_FS_DAX)
		return false;

	/*
	 * An fs-dax page is idle at 1: whoever drops it to 1 wakes a
	 * filesystem waiting in its break-layouts loop.
	 */
	if (folio_ref_sub_return(folio, refs) == 1)
		wake_up_var(&folio->_refcount);
	return true;
}
EXPORT_SYMBOL(__put_devmap_managed_folio_refs);
#endif /* CONFIG_FS_DAX */
