/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_SWAPOPS_H
#define _LINUX_SWAPOPS_H
/*
 * Building and decoding non-present page table entries (sample tree).
 */
#include <linux/swap.h>
#include <linux/mm_types.h>

static inline swp_entry_t swp_entry(unsigned long type, pgoff_t offset)
{
	swp_entry_t ret;

	ret.val = (type << SWP_TYPE_SHIFT) | (offset & SWP_OFFSET_MASK);
	return ret;
}

static inline unsigned int swp_type(swp_entry_t entry)
{
	return entry.val >> SWP_TYPE_SHIFT;
}

#ifdef CONFIG_DEVICE_PRIVATE
static inline bool is_device_private_entry(swp_entry_t entry)
{
	int type = swp_type(entry);

	return type == SWP_DEVICE_READ || type == SWP_DEVICE_WRITE;
}

static inline swp_entry_t make_readable_device_exclusive_entry(pgoff_t offset)
{
	return swp_entry(SWP_DEVICE_EXCLUSIVE_READ, offset);
}

static inline swp_entry_t make_writable_device_exclusive_entry(pgoff_t offset)
{
	return swp_entry(SWP_DEVICE_EXCLUSIVE_WRITE, offset);
}

/* True for both flavours: the CPU must fault and revoke the device's access. */
static inline bool is_device_exclusive_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_DEVICE_EXCLUSIVE_READ ||
		swp_type(entry) == SWP_DEVICE_EXCLUSIVE_WRITE;
}

static inline bool is_writable_device_exclusive_entry(swp_entry_t entry)
{
	return unlikely(swp_type(entry) == SWP_DEVICE_EXCLUSIVE_WRITE);
}
#else /* CONFIG_DEVICE_PRIVATE */
static inline bool is_device_private_entry(swp_entry_t entry)
{
	return false;
}

static inline bool is_device_exclusive_entry(swp_entry_t entry)
{
	return false;
}

static inline bool is_writable_device_exclusive_entry(swp_entry_t entry)
{
	return false;
}
#endif /* CONFIG_DEVICE_PRIVATE */

/* Device-private and device-exclusive entries both carry a PFN. */
static inline bool is_pfn_swap_entry(swp_entry_t entry)
{
	return is_device_private_entry(entry) || is_device_exclusive_entry(entry);
}

static inline struct page *pfn_swap_entry_to_page(swp_entry_t entry)
{
	return pfn_to_page(entry.val & SWP_OFFSET_MASK);
}

#endif /* _LINUX_SWAPOPS_H */
