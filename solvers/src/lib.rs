//! Single-solution multi-objective solvers: scalarizations, gradient aggregators behind one
//! [`Aggregator`] interface, and the drivers that run them over a set of preferences.

mod aggregator;
mod error;
mod options;
mod registry;

pub use aggregator::{
    Aggregation, Aggregator, Diagnostics, Family, MethodInfo, OptionInfo, Properties, StepInput,
    aggregate, combine_rows,
};
pub use error::{Error, ParamsError, Result};
pub use options::Options;
pub use registry::{MethodEntry, build_method, find_method, method_entries};
