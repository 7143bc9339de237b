//! Method options given as `key=value` text (the CLI's `--set`), parsed by each method.

use std::collections::BTreeMap;

use crate::error::ParamsError;

/// `key=value` options for a method, e.g. from `--set c=0.4 --set seed=3`.
///
/// Each method reads the keys it knows with the typed getters and then calls
/// [`Options::finish`], which rejects any key that was never read (a typo is an error, not
/// a silent default).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    values: BTreeMap<String, String>,
    read: std::cell::RefCell<Vec<String>>,
}

impl Options {
    /// No options: every method takes its defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `key=value` strings.
    pub fn parse<S: AsRef<str>>(pairs: &[S]) -> Result<Self, String> {
        let mut options = Self::new();
        for pair in pairs {
            let pair = pair.as_ref();
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| format!("option '{pair}' is not of the form key=value"))?;
            options.set(k.trim(), v.trim());
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
        self.values.insert(normalize_key(key), value.to_string());
    }

    /// Whether `key` was given (without marking it as read).
    pub fn contains(&self, key: &str) -> bool {
        self.values.contains_key(&normalize_key(key))
    }

    /// Whether no option was given.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn raw(&self, key: &str) -> Option<&String> {
        let key = normalize_key(key);
        self.read.borrow_mut().push(key.clone());
        self.values.get(&key)
    }

    /// A number, or `default`.
    pub fn f64(&self, method: &'static str, key: &str, default: f64) -> Result<f64, ParamsError> {
        match self.raw(key) {
            None => Ok(default),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| ParamsError::BadValue {
                    method,
                    name: key.to_string(),
                    expected: "a finite number",
                    got: v.clone(),
                }),
        }
    }

    /// A non-negative integer, or `default`.
    pub fn usize(
        &self,
        method: &'static str,
        key: &str,
        default: usize,
    ) -> Result<usize, ParamsError> {
        match self.raw(key) {
            None => Ok(default),
            Some(v) => v.parse::<usize>().map_err(|_| ParamsError::BadValue {
                method,
                name: key.to_string(),
                expected: "a non-negative integer",
                got: v.clone(),
            }),
        }
    }

    /// An unsigned 64-bit integer (seeds), or `default`.
    pub fn u64(&self, method: &'static str, key: &str, default: u64) -> Result<u64, ParamsError> {
        match self.raw(key) {
            None => Ok(default),
            Some(v) => v.parse::<u64>().map_err(|_| ParamsError::BadValue {
                method,
                name: key.to_string(),
                expected: "a non-negative integer",
                got: v.clone(),
            }),
        }
    }

    /// A boolean (`true`/`false`), or `default`.
    pub fn bool(
        &self,
        method: &'static str,
        key: &str,
        default: bool,
    ) -> Result<bool, ParamsError> {
        match self.raw(key) {
            None => Ok(default),
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Ok(true),
                "false" | "0" | "no" => Ok(false),
                _ => Err(ParamsError::BadValue {
                    method,
                    name: key.to_string(),
                    expected: "true or false",
                    got: v.clone(),
                }),
            },
        }
    }

    /// One of `choices` (case-insensitive), or `default`.
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
                .ok_or_else(|| ParamsError::BadValue {
                    method,
                    name: key.to_string(),
                    expected: "one of the listed choices",
                    got: v.clone(),
                }),
        }
    }

    /// A comma-separated list of numbers, or `None` when absent.
    pub fn f64_list(
        &self,
        method: &'static str,
        key: &str,
    ) -> Result<Option<Vec<f64>>, ParamsError> {
        match self.raw(key) {
            None => Ok(None),
            Some(v) => v
                .split(',')
                .map(|s| s.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
                .collect::<Option<Vec<_>>>()
                .map(Some)
                .ok_or_else(|| ParamsError::BadValue {
                    method,
                    name: key.to_string(),
                    expected: "comma-separated finite numbers",
                    got: v.clone(),
                }),
        }
    }

    /// Fails on any option that no getter asked for since the last `finish`.
    pub fn finish(&self, method: &'static str) -> Result<(), ParamsError> {
        let read = std::mem::take(&mut *self.read.borrow_mut());
        if let Some(unknown) = self.values.keys().find(|k| !read.contains(k)) {
            let mut known: Vec<String> = read;
            known.sort();
            known.dedup();
            return Err(ParamsError::UnknownOption {
                method,
                name: unknown.clone(),
                known: if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                },
            });
        }
        Ok(())
    }
}

fn normalize_key(key: &str) -> String {
    key.trim().to_ascii_lowercase().replace('-', "_")
}
