//! The method registry: every scalarization and aggregator by case-insensitive name.

use crate::aggregator::{Aggregator, MethodInfo};
use crate::error::{Error, Result};
use crate::method::options::Options;

/// One registry row: a method's description and its constructor from options.
#[derive(Clone, Copy)]
pub struct MethodEntry {
    /// The method's static description.
    pub info: &'static MethodInfo,
    /// Builds the method from `key=value` options (defaults for absent keys; unknown keys
    /// are an error).
    pub build: fn(&Options) -> Result<Box<dyn Aggregator>>,
}

impl std::fmt::Debug for MethodEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MethodEntry")
            .field("name", &self.info.name)
            .finish_non_exhaustive()
    }
}

/// Every method, in the order `list solvers` shows them.
pub fn method_entries() -> Vec<MethodEntry> {
    let mut entries: Vec<MethodEntry> = Vec::new();
    // Each family module contributes its rows here.
    entries.extend_from_slice(crate::scalarization::ENTRIES);
    entries.extend_from_slice(crate::aggregator::weighting::ENTRIES);
    entries.extend_from_slice(crate::aggregator::preference::epo::ENTRIES);
    entries.extend_from_slice(crate::aggregator::preference::pmgda::ENTRIES);
    entries.extend_from_slice(crate::aggregator::preference::pmtl::ENTRIES);
    entries.extend_from_slice(crate::aggregator::projection::pcgrad::ENTRIES);
    entries.extend_from_slice(crate::aggregator::projection::gradvac::ENTRIES);
    entries.extend_from_slice(crate::aggregator::projection::graddrop::ENTRIES);
    entries.extend_from_slice(crate::aggregator::projection::con_fig::ENTRIES);
    entries.extend_from_slice(crate::aggregator::projection::m_con_fig::ENTRIES);
    entries
}

/// The registry row for `name` (case-insensitive).
pub fn find_method(name: &str) -> Result<MethodEntry> {
    let lower = name.trim().to_ascii_lowercase();
    let entries = method_entries();
    entries
        .iter()
        .find(|e| e.info.name == lower)
        .copied()
        .ok_or_else(|| Error::UnknownMethod {
            name: name.to_string(),
            known: entries
                .iter()
                .map(|e| e.info.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Builds the method `name` with `options`.
pub fn build_method(name: &str, options: &Options) -> Result<Box<dyn Aggregator>> {
    (find_method(name)?.build)(options)
}
