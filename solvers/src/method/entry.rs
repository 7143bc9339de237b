//! The entry type of the method table: a method's static description ([`MethodInfo`], with its
//! option table) and its constructor ([`MethodEntry`]). Method files import these; only
//! `method/table.rs` lists every method.

use crate::aggregator::Aggregator;
use crate::aggregator::gramian_weighted::{FromParams, GramianWeighted, Weighting};
use crate::error::{Error, Result};
use crate::method::options::{BuildContext, Options};
use crate::method::params::MethodParams;
use crate::run::StepRule;

/// `const` builder methods that set boolean fields to `true`.
macro_rules! flag_setters {
    ($($(#[$meta:meta])* $field:ident,)*) => {$(
        $(#[$meta])*
        pub const fn $field(mut self) -> Self {
            self.$field = true;
            self
        }
    )*};
}

/// Which family a method belongs to (for `list solvers`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// A scalarization of the objectives, minimised by gradient descent.
    Scalarization,
    /// A gradient aggregator from multi-task learning / Jacobian descent.
    Aggregator,
    /// A preference-guided method from multi-objective optimisation (EPO, PMGDA, ParetoMTL).
    PreferenceGuided,
    /// A method that moves the whole set of solutions together.
    SetLevel,
    /// A loss-balancing weighting from multi-task learning (LibMTL's EW, DWA, UW, GLS, FAMO,
    /// STCH, GradNorm, IMTL, DB-MTL, ExcessMTL): weights from the losses, their history and
    /// learnable scales, some also from the per-task gradients.
    LossWeighting,
}

impl Family {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Scalarization => "scalarization",
            Self::Aggregator => "aggregator",
            Self::PreferenceGuided => "preference-guided",
            Self::SetLevel => "set-level",
            Self::LossWeighting => "loss-weighting",
        }
    }
}

/// The properties a method claims; the property tests check exactly these.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Properties {
    /// `J·d ≥ 0` for every input (for some methods: under stated conditions, see the method).
    pub non_conflicting: bool,
    /// Permuting the rows of `J` (and losses/preference alike) leaves `d` unchanged.
    pub permutation_invariant: bool,
    /// Linear under scaling in TorchJD's sense: for row scalings `c > 0`, `d(diag(c)·J)` is
    /// linear in `c` (so in particular `d(cJ) = c·d(J)` for a scalar `c > 0`); each method's doc
    /// states the tolerance to which it holds.
    pub linear_under_scaling: bool,
    /// Weights lie on the simplex.
    pub weights_on_simplex: bool,
}

/// One option of a method, for `list solvers` and the docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionInfo {
    /// The key for `--set key=value`.
    pub name: &'static str,
    /// The default, as text.
    pub default: &'static str,
    /// What it does, one line.
    pub doc: &'static str,
}

/// Static description of a method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MethodInfo {
    /// CLI name, lower-case kebab (`upgrad`, `nash-mtl`).
    pub name: &'static str,
    /// Display name, as the paper spells it (`UPGrad`, `Nash-MTL`).
    pub display: &'static str,
    /// The method's family.
    pub family: Family,
    /// The paper.
    pub citation: &'static str,
    /// Whether the method uses the preference vector.
    pub uses_preference: bool,
    /// Whether the method needs the objective values.
    pub needs_losses: bool,
    /// Whether the method keeps state between calls.
    pub stateful: bool,
    /// Whether the method draws random numbers (from its own seeded generator).
    pub randomized: bool,
    /// The properties it claims.
    pub properties: Properties,
    /// Its options and defaults.
    pub options: &'static [OptionInfo],
    /// What the method reads of the objectives' gradients.
    pub need: GradientNeed,
}

impl Properties {
    flag_setters! {
        /// Claims non-conflicting directions.
        non_conflicting,
        /// Claims permutation invariance.
        permutation_invariant,
        /// Claims linearity under scaling.
        linear_under_scaling,
        /// Claims weights on the simplex.
        weights_on_simplex,
    }

    /// No property claimed.
    pub const NONE: Self = Self {
        non_conflicting: false,
        permutation_invariant: false,
        linear_under_scaling: false,
        weights_on_simplex: false,
    };
}

/// What a method reads of the per-objective gradients, so a trainer computes only that: the
/// losses alone (the weights need no gradient, one backward pass of the weighted loss
/// suffices), the Gramian `G = JJᵀ` (per-objective gradients with respect to a shared
/// representation are enough: `G` of the representation's Jacobian stands in for the full one,
/// as LibMTL's `rep_grad` and MGDA-UB), the whole Jacobian (methods that project or mix the rows
/// themselves), or the whole set of solutions (set-level rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GradientNeed {
    /// Only the objective values (and the preference): `d = Jᵀw(f)`.
    Losses,
    /// The Gramian `JJᵀ` (and possibly the losses and preference): `d = Jᵀw(G, …)`.
    Gramian,
    /// The rows of the Jacobian themselves.
    Jacobian,
    /// The objectives and Jacobians of the whole set of `K` solutions.
    Set,
}

impl GradientNeed {
    /// Lower-case name, for `list solvers`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Losses => "losses",
            Self::Gramian => "gramian",
            Self::Jacobian => "jacobian",
            Self::Set => "set",
        }
    }
}

impl MethodInfo {
    /// A description with every flag off, no claimed property, no option, and the need of its
    /// family (losses for a scalarization or a loss weighting, the whole set for a set-level
    /// rule, the Jacobian otherwise); the `const` builders below add the rest.
    pub const fn new(name: &'static str, display: &'static str, family: Family) -> Self {
        Self {
            name,
            display,
            family,
            citation: "",
            uses_preference: false,
            needs_losses: false,
            stateful: false,
            randomized: false,
            properties: Properties::NONE,
            options: &[],
            need: match family {
                Family::Scalarization | Family::LossWeighting => GradientNeed::Losses,
                Family::SetLevel => GradientNeed::Set,
                Family::Aggregator | Family::PreferenceGuided => GradientNeed::Jacobian,
            },
        }
    }

    /// The paper (or other reference).
    pub const fn cite(mut self, citation: &'static str) -> Self {
        self.citation = citation;
        self
    }

    flag_setters! {
        /// Marks the method as reading the preference.
        uses_preference,
        /// Marks the method as needing the objective values.
        needs_losses,
        /// Marks the method as keeping state between calls.
        stateful,
        /// Marks the method as drawing from its own seeded generator.
        randomized,
    }

    /// The claimed properties.
    pub const fn claims(mut self, properties: Properties) -> Self {
        self.properties = properties;
        self
    }

    /// The option table.
    pub const fn options(mut self, options: &'static [OptionInfo]) -> Self {
        self.options = options;
        self
    }

    /// What the method reads of the gradients.
    pub const fn need(mut self, need: GradientNeed) -> Self {
        self.need = need;
        self
    }

    /// The option `name`, if the method declares it.
    pub fn option(&self, name: &str) -> Option<&'static OptionInfo> {
        self.options.iter().find(|o| o.name == name)
    }
}

/// Builds an aggregator from options in a context.
pub type AggregatorBuilder = fn(&Options, &BuildContext<'_>) -> Result<Box<dyn Aggregator>>;

/// Builds a rule over the whole set from options in a context.
pub type RuleBuilder = fn(&Options, &BuildContext<'_>) -> Result<Box<dyn StepRule>>;

/// Builds a whole-set rule for an aggregator when its options ask for one (ParetoMTL's
/// `switch=libmoon`), else `None`.
pub type SetRuleBuilder = fn(&Options, &BuildContext<'_>) -> Result<Option<Box<dyn StepRule>>>;

/// Builds a weighting (the `w` of `d = Jᵀw`) from options in a context.
pub type WeightingBuilder = fn(&Options, &BuildContext<'_>) -> Result<Box<dyn Weighting>>;

/// How a method is built.
#[derive(Clone, Copy)]
pub enum Constructor {
    /// A [`Weighting`]; its aggregator is [`GramianWeighted`] around it.
    Weighting(WeightingBuilder),
    /// An aggregator of one Jacobian; a run holds one per preference row.
    Aggregator {
        /// Builds one instance.
        build: AggregatorBuilder,
        /// Builds a whole-set rule instead, when the options ask for it.
        set_rule: Option<SetRuleBuilder>,
    },
    /// A rule that moves the whole set of solutions together.
    SetLevel(RuleBuilder),
}

/// One row of the method table: a method's description and its constructor.
#[derive(Clone, Copy)]
pub struct MethodEntry {
    /// The method's static description.
    pub info: &'static MethodInfo,
    /// Its constructor.
    pub constructor: Constructor,
}

impl std::fmt::Debug for MethodEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MethodEntry")
            .field("name", &self.info.name)
            .finish_non_exhaustive()
    }
}

/// Builds the weighting `W` from its option table (defaults for absent keys, validated).
///
/// # Errors
/// Option errors and [`crate::ParamsError::Invalid`].
pub fn build_weighting<W: FromParams + 'static>(
    options: &Options,
    _context: &BuildContext<'_>,
) -> Result<Box<dyn Weighting>> {
    let params = W::Params::read(W::INFO.name, options)?;
    params.validate_for(W::INFO.name)?;
    Ok(Box::new(W::from_params(params)))
}

impl MethodEntry {
    /// The weighting alone (for callers that combine `w` with their own Jacobians), when the
    /// method is one; `None` for other methods.
    pub fn build_weighting(
        &self,
        options: &Options,
        context: &BuildContext<'_>,
    ) -> Option<Result<Box<dyn Weighting>>> {
        match self.constructor {
            Constructor::Weighting(build) => Some(build(options, context)),
            _ => None,
        }
    }

    /// An aggregator's row.
    pub const fn aggregator(info: &'static MethodInfo, build: AggregatorBuilder) -> Self {
        Self {
            info,
            constructor: Constructor::Aggregator {
                build,
                set_rule: None,
            },
        }
    }

    /// An aggregator's row that builds a whole-set rule when its options ask for one.
    pub const fn aggregator_or_set(
        info: &'static MethodInfo,
        build: AggregatorBuilder,
        set_rule: SetRuleBuilder,
    ) -> Self {
        Self {
            info,
            constructor: Constructor::Aggregator {
                build,
                set_rule: Some(set_rule),
            },
        }
    }

    /// A weighting's row.
    pub const fn weighting(info: &'static MethodInfo, build: WeightingBuilder) -> Self {
        Self {
            info,
            constructor: Constructor::Weighting(build),
        }
    }

    /// A set-level rule's row.
    pub const fn set_level(info: &'static MethodInfo, build: RuleBuilder) -> Self {
        Self {
            info,
            constructor: Constructor::SetLevel(build),
        }
    }

    /// Whether the method aggregates one Jacobian (not a set-level rule).
    pub fn is_aggregator(&self) -> bool {
        !matches!(self.constructor, Constructor::SetLevel(_))
    }

    /// Builds the aggregator with `options` and no context (defaults for absent keys; unknown
    /// keys are an error).
    ///
    /// # Errors
    /// The method's option errors; [`Error::SetLevelMethod`] for a set-level rule.
    pub fn build(&self, options: &Options) -> Result<Box<dyn Aggregator>> {
        self.build_in(options, &BuildContext::none())
    }

    /// Builds the aggregator with `options` in `context`.
    ///
    /// # Errors
    /// As [`MethodEntry::build`].
    pub fn build_in(
        &self,
        options: &Options,
        context: &BuildContext<'_>,
    ) -> Result<Box<dyn Aggregator>> {
        match self.constructor {
            Constructor::Aggregator { build, .. } => build(options, context),
            Constructor::Weighting(build) => Ok(Box::new(GramianWeighted::from_weighting(build(
                options, context,
            )?))),
            Constructor::SetLevel(_) => Err(Error::SetLevelMethod {
                name: self.info.name,
            }),
        }
    }
}

/// `Display` for an aggregator type: the display name of its description.
macro_rules! display_as {
    ($ty:ty) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::aggregator::Aggregator::info(self).display)
            }
        }
    };
}
pub(crate) use display_as;

/// `fn info` of a method trait impl, returning the given description.
macro_rules! info_is {
    ($info:expr) => {
        fn info(&self) -> &'static $crate::method::entry::MethodInfo {
            &$info
        }
    };
}
pub(crate) use info_is;
