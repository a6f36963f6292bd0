// SPDX-License-Identifier: GPL-2.0
/*
 * Migrating pages to and from device memory (sample tree, 6.12 shape).
 * The page table walking and the copy itself are left out.
 */
#include <linux/migrate.h>
#include <linux/memremap.h>
#include <linux/mmu_notifier.h>

/* Collect and unmap the pages of the range: fills args->src. */
static void migrate_vma_collect(struct migrate_vma *migrate);
static void migrate_vma_unmap(struct migrate_vma *migrate);

/**
 * migrate_vma_setup() - prepare to migrate a range of memory
 * @args: the range, the src/dst arrays and the selection flags
 *
 * Collects the pages of the range that match @args->flags (and, for device
 * pages, @args->pgmap_owner), locks and isolates them and replaces their
 * mappings by migration entries.
 *
 * Context: mmap_lock held for read. When called from ->migrate_to_ram(),
 * @args->fault_page is the page do_swap_page() holds.
 * Return: 0 on success (even if nothing could be collected), or -EINVAL.
 */
int migrate_vma_setup(struct migrate_vma *args)
{
	long nr_pages = (args->end - args->start) >> PAGE_SHIFT;

	args->start &= PAGE_MASK;
	args->end &= PAGE_MASK;
	if (!args->vma || is_vm_hugetlb_page(args->vma) ||
	    (args->vma->vm_flags & VM_SPECIAL) || vma_is_dax(args->vma))
		return -EINVAL;
	if (nr_pages <= 0 || !args->src || !args->dst)
		return -EINVAL;
	if (args->fault_page && !is_device_private_page(args->fault_page))
		return -EINVAL;

	memset(args->src, 0, sizeof(*args->src) * nr_pages);
	args->cpages = 0;
	args->npages = 0;

	migrate_vma_collect(args);
	if (args->cpages)
		migrate_vma_unmap(args);

	/* The driver now fills args->dst with the new pages. */
	return 0;
}
EXPORT_SYMBOL(migrate_vma_setup);

/**
 * migrate_vma_pages() - switch the mappings to the new pages
 * @migrate: what migrate_vma_setup() collected and the driver filled in
 *
 * Copies the struct page state and points the migration entries at the
 * destination pages. Pages that failed lose MIGRATE_PFN_MIGRATE in src.
 */
void migrate_vma_pages(struct migrate_vma *migrate)
{
	__migrate_device_pages(migrate->src, migrate->dst, migrate->npages,
			       migrate);
}
EXPORT_SYMBOL(migrate_vma_pages);

/**
 * migrate_vma_finalize() - restore the CPU page tables and drop the pages
 * @migrate: the same structure as for migrate_vma_pages()
 *
 * Replaces the migration entries by the new pages (or the old ones where
 * migration failed), unlocks and puts both sets of pages.
 */
void migrate_vma_finalize(struct migrate_vma *migrate)
{
	migrate_device_finalize(migrate->src, migrate->dst, migrate->npages);
}
EXPORT_SYMBOL(migrate_vma_finalize);
