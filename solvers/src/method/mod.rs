//! The method table: every method's name, family, options and constructor, and `key=value`
//! options.

pub(crate) mod options;
pub(crate) mod registry;
pub(crate) mod state;
