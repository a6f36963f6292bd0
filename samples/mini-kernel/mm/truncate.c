// SPDX-License-Identifier: GPL-2.0-only
/*
 * Truncation of the page cache (sample tree, 6.12 shape). For a DAX file
 * the mapping holds DAX entries (xarray values) instead of folios.
 */
#include <linux/mm.h>
#include <linux/dax.h>
#include <linux/pagevec.h>

/* Drop the DAX (and shadow) entries of a batch; they are not folios. */
static void truncate_folio_batch_exceptionals(struct address_space *mapping,
				struct folio_batch *fbatch, pgoff_t *indices)
{
	int i;

	if (!dax_mapping(mapping))
		return;
	for (i = 0; i < folio_batch_count(fbatch); i++) {
		struct folio *folio = fbatch->folios[i];

		if (xa_is_value(folio))
			dax_delete_mapping_entry(mapping, indices[i]);
	}
}

/**
 * truncate_inode_pages_range - remove a byte range from a file's cache
 * @mapping: the file's address space
 * @lstart: first byte to remove
 * @lend: last byte to remove (inclusive), or -1 for the end of the file
 *
 * Context: a DAX filesystem must have broken its layouts first (no page of
 * the range busy), holding invalidate_lock so that nothing maps it again.
 */
void truncate_inode_pages_range(struct address_space *mapping,
				loff_t lstart, loff_t lend)
{
	pgoff_t start = (lstart + PAGE_SIZE - 1) >> PAGE_SHIFT;
	pgoff_t end = lend == -1 ? (pgoff_t)-1 : (lend + 1) >> PAGE_SHIFT;
	pgoff_t indices[PAGEVEC_SIZE];
	struct folio_batch fbatch;
	pgoff_t index = start;
	int i;

	if (mapping_empty(mapping))
		return;

	folio_batch_init(&fbatch);
	while (index < end && find_lock_entries(mapping, &index, end - 1,
						&fbatch, indices)) {
		truncate_folio_batch_exceptionals(mapping, &fbatch, indices);
		for (i = 0; i < folio_batch_count(&fbatch); i++)
			if (!xa_is_value(fbatch.folios[i]))
				truncate_inode_folio(mapping, fbatch.folios[i]);
		folio_batch_remove_exceptionals(&fbatch);
		folio_batch_release(&fbatch);
		cond_resched();
	}
}
EXPORT_SYMBOL(truncate_inode_pages_range);
