//! maf problems (being written).

use crate::registry::ProblemEntry;

/// Registry rows of this family.
pub(crate) const ENTRIES: &[ProblemEntry] = &[];
