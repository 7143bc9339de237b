//! Method options given as `key=value` text (the CLI's `--set`), and the context a method is
//! built in (the run's preference set, the row, the iteration count), passed as typed values.

use std::collections::BTreeMap;

use tradeoff_pareto::Matrix;

use crate::aggregator::MethodInfo;
use crate::error::{Error, ParamsError};

/// `key=value` options for a method, e.g. from `--set c=0.4 --set seed=3`.
///
/// Keys are case-insensitive and `-` equals `_`; a repeated key keeps its last value. Each
/// method reads the keys it knows with the typed getters and checks the whole set once against
/// its option table with [`Options::finish`], which rejects any key the table does not declare
/// (a typo is an error, not a silent default). The getters do not record anything, so `Options`
/// is `Send + Sync` and can be shared between threads.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    values: BTreeMap<String, String>,
    given: Vec<(String, String)>,
}

impl Options {
    /// No options: every method takes its defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `key=value` strings.
    ///
    /// # Errors
    /// [`ParamsError::Malformed`] for a string without `=` or with an empty key,
    /// [`ParamsError::Repeated`] for a key given twice (`c=0.5` and `C=0.9` are the same key).
    pub fn parse<S: AsRef<str>>(pairs: &[S]) -> Result<Self, ParamsError> {
        let mut options = Self::new();
        for pair in pairs {
            let pair = pair.as_ref();
            match pair.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => {
                    let key = normalize_key(k);
                    if let Some((_, first)) = options.given.iter().find(|(g, _)| *g == key) {
                        return Err(ParamsError::Repeated {
                            key,
                            first: first.clone(),
                            second: v.trim().to_string(),
                        });
                    }
                    options.set(k.trim(), v.trim());
                }
                _ => {
                    return Err(ParamsError::Malformed {
                        text: pair.to_string(),
                    });
                }
            }
        }
        Ok(options)
    }

    /// Sets `key` to `value` (builder style).
    #[must_use]
    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.set(key, &value.to_string());
        self
    }

    /// Sets `key` to `value`; keys are case-insensitive and `-` equals `_`.
    pub fn set(&mut self, key: &str, value: &str) {
        let key = normalize_key(key);
        self.given.push((key.clone(), value.to_string()));
        self.values.insert(key, value.to_string());
    }

    /// The `(key, value)` pairs as given, in order (keys normalised), for records and
    /// checkpoints: [`Options::from_pairs`] rebuilds the same options from them.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.given
    }

    /// Options from `(key, value)` pairs, as [`Options::pairs`] returns them.
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Self {
        let mut options = Self::new();
        for (k, v) in pairs {
            options.set(k.as_ref(), v.as_ref());
        }
        options
    }

    /// Whether `key` was given.
    pub fn contains(&self, key: &str) -> bool {
        self.values.contains_key(&normalize_key(key))
    }

    /// Whether no option was given.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The text given for `key`, if any.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.values.get(&normalize_key(key)).map(String::as_str)
    }

    fn raw(&self, key: &str) -> Option<&String> {
        self.values.get(&normalize_key(key))
    }

    /// A number, or `default`.
    ///
    /// # Errors
    /// [`ParamsError::BadValue`] for text that is not a finite number.
    pub fn f64(&self, method: &'static str, key: &str, default: f64) -> Result<f64, ParamsError> {
        Ok(self.value(method, key)?.unwrap_or(default))
    }

    /// A non-negative integer, or `default`.
    ///
    /// # Errors
    /// [`ParamsError::BadValue`] for text that is not a non-negative integer.
    pub fn usize(
        &self,
        method: &'static str,
        key: &str,
        default: usize,
    ) -> Result<usize, ParamsError> {
        Ok(self.value(method, key)?.unwrap_or(default))
    }

    /// An unsigned 64-bit integer (seeds), or `default`.
    ///
    /// # Errors
    /// [`ParamsError::BadValue`] for text that is not a non-negative integer.
    pub fn u64(&self, method: &'static str, key: &str, default: u64) -> Result<u64, ParamsError> {
        Ok(self.value(method, key)?.unwrap_or(default))
    }

    /// A boolean (`true`/`false`, `1`/`0`, `yes`/`no`), or `default`.
    ///
    /// # Errors
    /// [`ParamsError::BadValue`] for other text.
    pub fn bool(
        &self,
        method: &'static str,
        key: &str,
        default: bool,
    ) -> Result<bool, ParamsError> {
        Ok(self.value(method, key)?.unwrap_or(default))
    }

    /// One of `choices` (case-insensitive), or `default`.
    ///
    /// # Errors
    /// [`ParamsError::BadChoice`], listing `choices`, for any other text.
    pub fn choice(
        &self,
        method: &'static str,
        key: &str,
        choices: &[&'static str],
        default: &'static str,
    ) -> Result<&'static str, ParamsError> {
        match self.raw(key) {
            None => Ok(default),
            Some(v) => choices
                .iter()
                .find(|c| c.eq_ignore_ascii_case(v))
                .copied()
                .ok_or_else(|| ParamsError::BadChoice {
                    method,
                    name: key.to_string(),
                    choices: choices.join(", "),
                    got: v.clone(),
                }),
        }
    }

    /// A comma-separated list of numbers, or `None` when absent.
    ///
    /// # Errors
    /// [`ParamsError::BadValue`] for text that is not comma-separated finite numbers.
    pub fn f64_list(
        &self,
        method: &'static str,
        key: &str,
    ) -> Result<Option<Vec<f64>>, ParamsError> {
        self.value(method, key)
    }

    /// Fails on any given key that `info`'s option table does not declare.
    ///
    /// # Errors
    /// [`ParamsError::UnknownOption`] naming the key and the declared ones.
    pub fn finish(&self, info: &MethodInfo) -> Result<(), ParamsError> {
        self.expect_known(info.name, info.options.iter().map(|o| o.name))
    }

    /// Fails on any given key not in `known`.
    ///
    /// # Errors
    /// [`ParamsError::UnknownOption`] naming the key and the known ones.
    pub fn expect_known<'k>(
        &self,
        method: &'static str,
        known: impl IntoIterator<Item = &'k str> + Clone,
    ) -> Result<(), ParamsError> {
        if let Some(unknown) = self
            .values
            .keys()
            .find(|k| !known.clone().into_iter().any(|n| n == k.as_str()))
        {
            let mut names: Vec<&str> = known.into_iter().collect();
            names.sort_unstable();
            names.dedup();
            return Err(ParamsError::UnknownOption {
                method,
                name: unknown.clone(),
                known: if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                },
            });
        }
        Ok(())
    }
}

fn normalize_key(key: &str) -> String {
    key.trim().to_ascii_lowercase().replace('-', "_")
}

/// What only the caller that builds a method knows, passed as typed values (never through
/// option text): the run's preference set, the row a per-preference instance serves, and the
/// run's iteration count.
///
/// A method that declares the option `prefs`, `index`, `iters` or `seed` takes its value from
/// here when the options leave it unset: ParetoMTL's sectors come from `preferences`, its row
/// from `row` and its warm-up from `iters`; a randomized method serving row `k` draws from
/// `seed + k` (the given seed or the documented default), so the rows draw different streams
/// and one seed still determines the run.
#[derive(Clone, Copy, Debug, Default)]
pub struct BuildContext<'a> {
    /// The run's preference set (`K × n_obj`), when building for a run.
    pub preferences: Option<&'a Matrix>,
    /// The preference row this instance serves (per-preference rules).
    pub row: Option<usize>,
    /// The run's iteration limit.
    pub iters: Option<usize>,
}

impl<'a> BuildContext<'a> {
    /// No context: a method on its own (`tradeoff aggregate`, a user's loop).
    pub fn none() -> Self {
        Self::default()
    }

    /// A run over `preferences` with `iters` iterations.
    pub fn run(preferences: &'a Matrix, iters: usize) -> Self {
        Self {
            preferences: Some(preferences),
            row: None,
            iters: Some(iters),
        }
    }

    /// The same context with the run's preference set.
    #[must_use]
    pub fn with_preferences(self, preferences: &'a Matrix) -> Self {
        Self {
            preferences: Some(preferences),
            ..self
        }
    }

    /// The preference set, which a set-level rule needs.
    ///
    /// # Errors
    /// [`Error::MissingInput`] when the context has none.
    pub fn require_preferences(&self) -> crate::error::Result<&'a Matrix> {
        self.preferences.ok_or(Error::MissingInput {
            method: "a set-level rule",
            input: "the run's preference set",
        })
    }

    /// The same context for row `row`.
    #[must_use]
    pub fn for_row(self, row: usize) -> Self {
        Self {
            row: Some(row),
            ..self
        }
    }

    /// `seed` shifted by the row (`seed + row`, wrapping), for randomized methods.
    pub fn row_seed(&self, seed: u64) -> u64 {
        seed.wrapping_add(self.row.unwrap_or(0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Options>();
        check::<BuildContext<'_>>();
    }

    #[test]
    fn parse_pairs_and_errors() {
        let o = Options::parse(&["C=0.4", "seed = 3"]).unwrap();
        assert_eq!(o.text("c"), Some("0.4"));
        assert_eq!(o.pairs().len(), 2);
        // Issue 12 §3: `--set c=0.5 --set c=0.9` took the last without a word.
        let e = Options::parse(&["c=0.5", "C=0.9"]).unwrap_err();
        assert!(
            matches!(e, ParamsError::Repeated { ref key, ref first, ref second }
                if key == "c" && first == "0.5" && second == "0.9"),
            "{e}"
        );
        assert!(e.to_string().contains("given twice"), "{e}");
        assert_eq!(Options::from_pairs(o.pairs()), o);
        assert!(matches!(
            Options::parse(&["novalue"]),
            Err(ParamsError::Malformed { .. })
        ));
        let e = o.expect_known("x", ["c"]).unwrap_err();
        assert!(matches!(e, ParamsError::UnknownOption { ref name, .. } if name == "seed"));
        let e = Options::new()
            .with("switch", "nonsense")
            .choice("pmtl", "switch", &["warmup", "libmoon"], "warmup")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "pmtl: option 'switch' expects one of warmup, libmoon, got 'nonsense'"
        );
    }
}
