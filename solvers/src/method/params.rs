//! Typed option values and the `params!` table from which a method's parameter struct, its
//! defaults, its validation and its `list solvers` rows all come (each default written once).

use std::fmt::Debug;

use crate::error::ParamsError;
use crate::method::entry::OptionInfo;
use crate::method::options::Options;

/// A value an option can hold, parsed from `--set key=value` text.
pub trait OptionValue: Sized {
    /// What the text must look like, for errors ("a finite number").
    const EXPECTED: &'static str;

    /// The value for `text`, or `None` when it does not parse.
    fn parse_option(text: &str) -> Option<Self>;

    /// The value as a number, for range checks (`None`: not numeric, or absent).
    fn number(&self) -> Option<f64> {
        None
    }

    /// The value as a list of numbers, for preference checks.
    fn numbers(&self) -> Option<&[f64]> {
        None
    }
}

impl OptionValue for f64 {
    const EXPECTED: &'static str = "a finite number";
    fn parse_option(text: &str) -> Option<Self> {
        text.trim().parse::<f64>().ok().filter(|x| x.is_finite())
    }
    fn number(&self) -> Option<f64> {
        Some(*self)
    }
}

impl OptionValue for usize {
    const EXPECTED: &'static str = "a non-negative integer";
    fn parse_option(text: &str) -> Option<Self> {
        text.trim().parse().ok()
    }
    fn number(&self) -> Option<f64> {
        Some(*self as f64)
    }
}

impl OptionValue for u64 {
    const EXPECTED: &'static str = "a non-negative integer";
    fn parse_option(text: &str) -> Option<Self> {
        text.trim().parse().ok()
    }
    fn number(&self) -> Option<f64> {
        Some(*self as f64)
    }
}

impl OptionValue for bool {
    const EXPECTED: &'static str = "true or false";
    fn parse_option(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" => Some(false),
            _ => None,
        }
    }
}

impl OptionValue for String {
    const EXPECTED: &'static str = "a name";
    fn parse_option(text: &str) -> Option<Self> {
        Some(text.trim().to_string())
    }
}

impl OptionValue for Vec<f64> {
    const EXPECTED: &'static str = "comma-separated finite numbers";
    fn parse_option(text: &str) -> Option<Self> {
        text.split(',').map(f64::parse_option).collect()
    }
    fn numbers(&self) -> Option<&[f64]> {
        Some(self)
    }
}

impl<T: OptionValue> OptionValue for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn parse_option(text: &str) -> Option<Self> {
        T::parse_option(text).map(Some)
    }
    fn number(&self) -> Option<f64> {
        self.as_ref().and_then(T::number)
    }
    fn numbers(&self) -> Option<&[f64]> {
        self.as_ref().and_then(T::numbers)
    }
}

/// Implements [`OptionValue`] for a fieldless enum from its option names (case-insensitive);
/// an invalid value's error lists every choice ("one of identity, random").
macro_rules! option_choices {
    ($ty:ty {
        $first:ident $(($first_arg:expr))? = $first_text:literal
        $(, $variant:ident $(($arg:expr))? = $text:literal)* $(,)?
    }) => {
        impl $crate::method::params::OptionValue for $ty {
            const EXPECTED: &'static str = concat!("one of ", $first_text $(, ", ", $text)*);
            fn parse_option(text: &str) -> Option<Self> {
                let text = text.trim();
                if text.eq_ignore_ascii_case($first_text) {
                    return Some(<$ty>::$first $(($first_arg))?);
                }
                $(if text.eq_ignore_ascii_case($text) {
                    return Some(<$ty>::$variant $(($arg))?);
                })*
                None
            }
        }
    };
}
pub(crate) use option_choices;

impl Options {
    /// The typed value of `key`, or `None` when absent.
    ///
    /// # Errors
    /// [`ParamsError::BadValue`] when the text does not parse as a `T`.
    pub fn value<T: OptionValue>(
        &self,
        method: &'static str,
        key: &str,
    ) -> Result<Option<T>, ParamsError> {
        match self.text(key) {
            None => Ok(None),
            Some(text) => T::parse_option(text)
                .map(Some)
                .ok_or_else(|| ParamsError::BadValue {
                    method,
                    name: key.to_string(),
                    expected: T::EXPECTED,
                    got: text.to_string(),
                }),
        }
    }
}

/// The rule an option's value must satisfy (one column of the option table).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Check {
    /// Any value of the type.
    Any,
    /// A number in a range: `lo`/`hi` with open or closed ends, and the rule as text.
    Range {
        /// Lower end.
        lo: f64,
        /// Whether `lo` itself is excluded.
        lo_open: bool,
        /// Upper end.
        hi: f64,
        /// Whether `hi` itself is excluded.
        hi_open: bool,
        /// The rule, e.g. "must be in (0, 1]".
        rule: &'static str,
    },
    /// A preference vector: non-empty, finite, non-negative, positive sum.
    Preference,
    /// A non-empty list whose every number lies in `[lo, hi]`, and the rule as text.
    EachClosed {
        /// Lower end (included).
        lo: f64,
        /// Upper end (included).
        hi: f64,
        /// The rule, e.g. "must be one or more numbers in [0, 1]".
        rule: &'static str,
    },
}

impl Check {
    /// Checks `value` (an option of `method` named `name`).
    ///
    /// # Errors
    /// [`ParamsError::Invalid`] naming the rule.
    pub fn apply<T: OptionValue>(
        self,
        method: &'static str,
        name: &'static str,
        value: &T,
    ) -> Result<(), ParamsError> {
        match self {
            Self::Any => Ok(()),
            Self::Range {
                lo,
                lo_open,
                hi,
                hi_open,
                rule,
            } => match value.number() {
                Some(x)
                    if !x.is_finite()
                        || x < lo
                        || x > hi
                        || (lo_open && x == lo)
                        || (hi_open && x == hi) =>
                {
                    Err(ParamsError::Invalid {
                        method,
                        name,
                        rule,
                        got: x.to_string(),
                    })
                }
                _ => Ok(()),
            },
            Self::Preference => match value.numbers() {
                Some(p)
                    if p.is_empty()
                        || p.iter().any(|v| !v.is_finite() || *v < 0.0)
                        || p.iter().sum::<f64>() <= 0.0 =>
                {
                    Err(ParamsError::Invalid {
                        method,
                        name,
                        rule: "must be non-empty, finite and non-negative with a positive sum",
                        got: format!("{p:?}"),
                    })
                }
                _ => Ok(()),
            },
            Self::EachClosed { lo, hi, rule } => match value.numbers() {
                Some(p) if p.is_empty() || p.iter().any(|v| !(lo..=hi).contains(v)) => {
                    Err(ParamsError::Invalid {
                        method,
                        name,
                        rule,
                        got: format!("{p:?}"),
                    })
                }
                _ => Ok(()),
            },
        }
    }
}

/// A method's parameter struct, generated by `params!` from its option table.
pub trait MethodParams: Clone + Default + Debug + PartialEq + Send + Sync + 'static {
    /// The option table: name, default as text, one-line doc (for `list solvers` and docs).
    const OPTIONS: &'static [OptionInfo];

    /// Checks every parameter against its rule, naming `method` in the error.
    ///
    /// # Errors
    /// [`ParamsError::Invalid`] for the first parameter that breaks its rule.
    fn validate_for(&self, method: &'static str) -> Result<(), ParamsError>;

    /// Reads every key at once: defaults for absent keys; unknown keys and unparsable values
    /// are errors. Does not validate ranges.
    ///
    /// # Errors
    /// [`ParamsError::UnknownOption`], [`ParamsError::BadValue`].
    fn read(method: &'static str, options: &Options) -> Result<Self, ParamsError> {
        options.expect_known(method, Self::OPTIONS.iter().map(|o| o.name))?;
        Self::read_values(method, options)
    }

    /// As [`MethodParams::read`] without rejecting unknown keys (for a table nested in
    /// another's).
    ///
    /// # Errors
    /// [`ParamsError::BadValue`].
    fn read_values(method: &'static str, options: &Options) -> Result<Self, ParamsError>;
}

/// `a` followed by `b`, for the option table of a method that nests another's (`N` must be
/// the sum of their lengths).
pub const fn concat_options<const N: usize>(a: &[OptionInfo], b: &[OptionInfo]) -> [OptionInfo; N] {
    assert!(a.len() + b.len() == N, "N must be the sum of the lengths");
    let mut out = [OptionInfo {
        name: "",
        default: "",
        doc: "",
    }; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < a.len() { a[i] } else { b[i - a.len()] };
        i += 1;
    }
    out
}

/// The rows of `all` named `names`, in that order (a method that takes a subset of a shared
/// table). Fails to compile when a name is missing.
pub const fn pick_options<const N: usize>(all: &[OptionInfo], names: [&str; N]) -> [OptionInfo; N] {
    const fn same(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
    let mut out = [OptionInfo {
        name: "",
        default: "",
        doc: "",
    }; N];
    let mut k = 0;
    while k < N {
        let mut i = 0;
        while !same(all[i].name, names[k]) {
            i += 1;
        }
        out[k] = all[i];
        k += 1;
    }
    out
}

/// Declares a parameter struct from its option table, one row per field:
///
/// ```text
/// params! {
///     /// Parameters of the method.
///     pub struct MyParams {
///         /// What it does.
///         reg_eps: f64 = 1e-4, open_closed(0, 1), "one-line doc for list solvers";
///         /// A field whose default is shown as text other than its Rust expression.
///         pref: Option<Vec<f64>> = None => "1/m", preference, "comma-separated preference";
///     }
/// }
/// ```
///
/// A field whose option key differs from its name is written `log_clip as "clip": f64 = ...`.
///
/// Checks: `any`, `finite`, `finite_list`, `positive`, `non_negative`, `at_least(lo)`, `closed(lo, hi)`,
/// `closed_open(lo, hi)`, `open_closed(lo, hi)`, `preference`, `each_closed(lo, hi)` (a
/// non-empty list). A last row `.. /// doc` `name: Type;` nests another [`MethodParams`] table: its
/// options follow this table's, and it is read and validated with it. It generates the struct, `Default`, and
/// [`MethodParams`] (the option table, `validate_for`, `read`).
macro_rules! params {
    (@shown $default:expr) => { stringify!($default) };
    (@key $field:ident) => { stringify!($field) };
    (@key $field:ident, $key:literal) => { $key };
    (@options $name:ident) => { <$name>::OWN_OPTIONS };
    (@options $name:ident, $nested_ty:ty) => {
        &$crate::method::params::concat_options::<{
            <$name>::OWN_OPTIONS.len()
                + <$nested_ty as $crate::method::params::MethodParams>::OPTIONS.len()
        }>(
            <$name>::OWN_OPTIONS,
            <$nested_ty as $crate::method::params::MethodParams>::OPTIONS,
        )
    };
    (@shown $default:expr, $shown:literal) => { $shown };
    (@check any) => { $crate::method::params::Check::Any };
    (@check finite) => {
        $crate::method::params::Check::Range {
            lo: f64::NEG_INFINITY, lo_open: false, hi: f64::INFINITY, hi_open: false,
            rule: "must be finite",
        }
    };
    (@check finite_list) => {
        $crate::method::params::Check::EachClosed {
            lo: f64::NEG_INFINITY, hi: f64::INFINITY,
            rule: "must hold one or n_obj finite numbers",
        }
    };
    (@check preference) => { $crate::method::params::Check::Preference };
    (@check positive) => {
        $crate::method::params::Check::Range {
            lo: 0.0, lo_open: true, hi: f64::INFINITY, hi_open: false, rule: "must be positive",
        }
    };
    (@check non_negative) => {
        $crate::method::params::Check::Range {
            lo: 0.0, lo_open: false, hi: f64::INFINITY, hi_open: false,
            rule: "must be non-negative",
        }
    };
    (@check at_least($lo:literal)) => {
        $crate::method::params::Check::Range {
            lo: $lo as f64, lo_open: false, hi: f64::INFINITY, hi_open: false,
            rule: concat!("must be at least ", stringify!($lo)),
        }
    };
    (@check closed($lo:literal, $hi:literal)) => {
        $crate::method::params::Check::Range {
            lo: $lo as f64, lo_open: false, hi: $hi as f64, hi_open: false,
            rule: concat!("must be in [", stringify!($lo), ", ", stringify!($hi), "]"),
        }
    };
    (@check each_closed($lo:literal, $hi:literal)) => {
        $crate::method::params::Check::EachClosed {
            lo: $lo as f64, hi: $hi as f64,
            rule: concat!("must be one or more numbers in [", stringify!($lo), ", ",
                stringify!($hi), "]"),
        }
    };
    (@check closed_open($lo:literal, $hi:literal)) => {
        $crate::method::params::Check::Range {
            lo: $lo as f64, lo_open: false, hi: $hi as f64, hi_open: true,
            rule: concat!("must be in [", stringify!($lo), ", ", stringify!($hi), ")"),
        }
    };
    (@check open_closed($lo:literal, $hi:literal)) => {
        $crate::method::params::Check::Range {
            lo: $lo as f64, lo_open: true, hi: $hi as f64, hi_open: false,
            rule: concat!("must be in (", stringify!($lo), ", ", stringify!($hi), "]"),
        }
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                $field:ident $(as $key:literal)? : $ty:ty = $default:expr $(=> $shown:literal)?,
                $check:ident $(($($arg:literal),*))?,
                $doc:literal;
            )*
            $(
                ..
                $(#[$nested_meta:meta])*
                $nested:ident : $nested_ty:ty;
            )?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty,)*
            $($(#[$nested_meta])* pub $nested: $nested_ty,)?
        }

        impl Default for $name {
            fn default() -> Self {
                Self {
                    $($field: $default,)*
                    $($nested: <$nested_ty>::default(),)?
                }
            }
        }

        impl $name {
            /// This table's own options (without a nested table's).
            const OWN_OPTIONS: &'static [$crate::method::entry::OptionInfo] = &[$(
                $crate::method::entry::OptionInfo {
                    name: params!(@key $field $(, $key)?),
                    default: params!(@shown $default $(, $shown)?),
                    doc: $doc,
                },
            )*];
        }

        impl $crate::method::params::MethodParams for $name {
            const OPTIONS: &'static [$crate::method::entry::OptionInfo] =
                params!(@options $name $(, $nested_ty)?);

            fn validate_for(
                &self,
                #[allow(unused_variables)] method: &'static str,
            ) -> ::std::result::Result<(), $crate::error::ParamsError> {
                $(params!(@check $check $(($($arg),*))?).apply(
                    method,
                    params!(@key $field $(, $key)?),
                    &self.$field,
                )?;)*
                $($crate::method::params::MethodParams::validate_for(&self.$nested, method)?;)?
                Ok(())
            }

            #[allow(unused_variables)]
            fn read_values(
                method: &'static str,
                options: &$crate::method::options::Options,
            ) -> ::std::result::Result<Self, $crate::error::ParamsError> {
                #[allow(unused_variables)]
                let defaults = Self::default();
                Ok(Self {
                    $($field: match options.value(method, params!(@key $field $(, $key)?))? {
                        Some(value) => value,
                        None => defaults.$field,
                    },)*
                    $($nested: <$nested_ty as $crate::method::params::MethodParams>::read_values(
                        method, options,
                    )?,)?
                })
            }
        }
    };
}
pub(crate) use params;

#[cfg(test)]
mod tests {
    use super::*;

    params! {
        /// A test table.
        pub struct Demo {
            /// A number.
            eps: f64 = 1e-4, open_closed(0, 1), "a number in (0, 1]";
            /// A count.
            count: usize = 3, at_least(1), "a count";
            /// A list.
            pref: Option<Vec<f64>> = None => "1/m", preference, "a preference";
            /// A flag.
            flag: bool = false, any, "a flag";
        }
    }

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Shape {
        Round,
        Square,
        Flat,
    }

    option_choices!(Shape {
        Round = "round",
        Square = "square",
        Flat = "flat",
    });

    #[test]
    fn an_invalid_choice_lists_the_choices() {
        assert_eq!(Shape::parse_option(" SQUARE "), Some(Shape::Square));
        let e = Options::new()
            .with("shape", "nonsense")
            .value::<Shape>("demo", "shape")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "demo: option 'shape' expects one of round, square, flat, got 'nonsense'"
        );
    }

    #[test]
    fn table_defaults_validation_and_reading() {
        assert_eq!(Demo::OPTIONS.len(), 4);
        assert_eq!(Demo::OPTIONS[0].default, "1e-4");
        assert_eq!(Demo::OPTIONS[2].default, "1/m");
        let d = Demo::default();
        assert!(d.validate_for("demo").is_ok());
        let bad = Demo {
            eps: 0.0,
            ..d.clone()
        };
        assert!(matches!(
            bad.validate_for("demo"),
            Err(ParamsError::Invalid {
                name: "eps",
                rule: "must be in (0, 1]",
                ..
            })
        ));
        let bad = Demo {
            pref: Some(vec![0.0]),
            ..d.clone()
        };
        assert!(bad.validate_for("demo").is_err());
        let o = Options::new().with("eps", 0.5).with("pref", "1,2");
        let read = Demo::read("demo", &o).unwrap();
        assert_eq!(read.eps, 0.5);
        assert_eq!(read.pref, Some(vec![1.0, 2.0]));
        assert!(matches!(
            Demo::read("demo", &Options::new().with("typo", 1)),
            Err(ParamsError::UnknownOption { .. })
        ));
        assert!(matches!(
            Demo::read("demo", &Options::new().with("count", "x")),
            Err(ParamsError::BadValue { .. })
        ));
    }
}
