/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_PFN_H_
#define _LINUX_PFN_H_
/*
 * Page frame number helpers (sample tree, 6.12 shape). pfn_t lives here;
 * its flag bits and helpers are in <linux/pfn_t.h>.
 */
#include <linux/types.h>

/*
 * A PFN with flag bits in its top bits (PFN_DEV, PFN_MAP, ...), so that a
 * driver can say what kind of memory it inserts into a page table.
 */
typedef struct {
	u64 val;
} pfn_t;

#define PFN_ALIGN(x)	(((unsigned long)(x) + (PAGE_SIZE - 1)) & PAGE_MASK)
#define PFN_UP(x)	(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x)	((x) >> PAGE_SHIFT)
#define PFN_PHYS(x)	((phys_addr_t)(x) << PAGE_SHIFT)
#define PHYS_PFN(x)	((unsigned long)((x) >> PAGE_SHIFT))

#endif /* _LINUX_PFN_H_ */
