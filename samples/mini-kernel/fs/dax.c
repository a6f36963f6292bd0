// SPDX-License-Identifier: GPL-2.0-only
/*
 * fs-dax: files on persistent memory mapped straight into user space (sample
 * tree, 6.12 shape). DAX pages are ZONE_DEVICE pages, idle at refcount 1.
 */
#include <linux/dax.h>
#include <linux/mm.h>
#include <linux/pfn_t.h>
#include <linux/huge_mm.h>

/*
 * Tie the pages of a DAX entry to the file. A page that reflink shares
 * between files is marked PAGE_MAPPING_DAX_SHARED and counted instead.
 */
static void dax_associate_entry(void *entry, struct address_space *mapping,
		struct vm_area_struct *vma, unsigned long address, bool shared)
{
	unsigned long pfn, index = linear_page_index(vma, address);

	for_each_mapped_pfn(entry, pfn) {
		struct page *page = pfn_to_page(pfn);

		if (shared) {
			page->mapping = PAGE_MAPPING_DAX_SHARED;
			page->share++;
		} else {
			page->mapping = mapping;
			page->index = index++;
		}
	}
}

/* Undo dax_associate_entry(); on truncate every page must be idle (1). */
static void dax_disassociate_entry(void *entry, struct address_space *mapping,
		bool trunc)
{
	unsigned long pfn;

	for_each_mapped_pfn(entry, pfn) {
		struct page *page = pfn_to_page(pfn);

		WARN_ON_ONCE(trunc && page_ref_count(page) > 1);
		if (page->mapping == PAGE_MAPPING_DAX_SHARED && --page->share > 0)
			continue;
		page->mapping = NULL;
		page->index = 0;
	}
}

/* A page of this entry that someone (DMA, GUP) still holds, or NULL. */
static struct page *dax_busy_page(void *entry)
{
	unsigned long pfn;

	for_each_mapped_pfn(entry, pfn)
		if (page_ref_count(pfn_to_page(pfn)) > 1)
			return pfn_to_page(pfn);
	return NULL;
}

/**
 * dax_layout_busy_page_range - find a DAX page of a file range still in use
 * @mapping: the file's address space
 * @start: first byte offset of the range
 * @end: last byte offset, or LLONG_MAX for "to the end of the file"
 *
 * Unmaps the range, then looks for a page with a refcount above idle (1).
 *
 * Context: the filesystem blocks new mappings (invalidate_lock held).
 * Return: a busy page to wait for, or NULL once the range is idle.
 */
struct page *dax_layout_busy_page_range(struct address_space *mapping,
					loff_t start, loff_t end)
{
	pgoff_t start_idx = start >> PAGE_SHIFT;
	pgoff_t end_idx = end == LLONG_MAX ? ULONG_MAX : end >> PAGE_SHIFT;
	XA_STATE(xas, &mapping->i_pages, start_idx);
	struct page *page = NULL;
	void *entry;

	if (!dax_mapping(mapping) || !mapping_mapped(mapping))
		return NULL;
	/* After this, new references need the page table locks GUP takes. */
	unmap_mapping_pages(mapping, start_idx, end_idx - start_idx + 1, 0);

	xas_lock_irq(&xas);
	xas_for_each(&xas, entry, end_idx) {
		page = dax_busy_page(entry);
		if (page)
			break;
	}
	xas_unlock_irq(&xas);
	return page;
}
EXPORT_SYMBOL_GPL(dax_layout_busy_page_range);

struct page *dax_layout_busy_page(struct address_space *mapping)
{
	return dax_layout_busy_page_range(mapping, 0, LLONG_MAX);
}
EXPORT_SYMBOL_GPL(dax_layout_busy_page);

/* Map a block's PFN: PFN_DEV|PFN_MAP make it devmap; no reference taken. */
static vm_fault_t dax_fault_iter(struct vm_fault *vmf, struct dax_device *dax_dev,
				 pgoff_t pgoff, bool pmd, bool write)
{
	long nr = pmd ? PHYS_PFN(PMD_SIZE) : 1;
	void *kaddr;
	pfn_t pfn;

	if (dax_direct_access(dax_dev, pgoff, nr, DAX_ACCESS, &kaddr, &pfn) < nr)
		return VM_FAULT_SIGBUS;
	if (pmd)
		return vmf_insert_pfn_pmd(vmf, pfn, write);
	if (write)
		return vmf_insert_mixed_mkwrite(vmf->vma, vmf->address, pfn);
	return vmf_insert_mixed(vmf->vma, vmf->address, pfn);
}
