//! The method table and what it is made of: each method's description and constructor
//! (`entry`), the table that lists them (`table`), finding and building by name (`find`),
//! `key=value` options and the build context (`options`), and saved method state (`state`).

pub(crate) mod entry;
pub(crate) mod find;
pub(crate) mod options;
pub(crate) mod params;
pub(crate) mod state;
pub(crate) mod table;
