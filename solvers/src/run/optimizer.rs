//! First-order optimisers for a batch of decision vectors: plain SGD and Adam, in `f64`.
//!
//! An [`Optimizer`] is the validated configuration; [`OptimizerState`] owns the per-element
//! moments for one batch and applies the update `x ← x − step(d)` in place. The direction `d`
//! plays the role of a gradient (the aggregators' convention), so both optimisers descend.
//!
//! ```
//! use tradeoff_solvers::{Optimizer, OptimizerState};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sgd = Optimizer::sgd(0.5);
//! sgd.validate()?;
//! let mut state = OptimizerState::new(sgd, 2);
//! let mut x = [1.0, 2.0];
//! state.step(&mut x, &[2.0, -2.0]);
//! assert_eq!(x, [0.0, 3.0]);
//!
//! // Adam's first step moves every element by about `lr` against the sign of `d`.
//! let mut state = OptimizerState::new(Optimizer::adam(0.1), 2);
//! let mut x = [1.0, 2.0];
//! state.step(&mut x, &[5.0, -0.01]);
//! assert!((x[0] - 0.9).abs() < 1e-6 && (x[1] - 2.1).abs() < 1e-5);
//! # Ok(()) }
//! ```

use crate::error::ParamsError;

/// The name used in [`ParamsError`]s about optimiser settings.
const WHO: &str = "optimizer";

/// A first-order optimiser and its hyperparameters.
///
/// Build with [`Optimizer::sgd`] or [`Optimizer::adam`] (PyTorch's defaults), or write the
/// variant out to change Adam's moments; check with [`Optimizer::validate`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Optimizer {
    /// Plain gradient descent, `x ← x − lr·d` (no momentum).
    Sgd {
        /// Step size, finite and `> 0`.
        lr: f64,
    },
    /// Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015,
    /// arXiv:1412.6980, Algorithm 1) with bias correction and no weight decay, element-wise
    /// over the whole batch, as `torch.optim.Adam` with `weight_decay = 0`.
    Adam {
        /// Step size, finite and `> 0`.
        lr: f64,
        /// Decay of the first moment, in `[0, 1)`; PyTorch's default 0.9.
        beta1: f64,
        /// Decay of the second moment, in `[0, 1)`; PyTorch's default 0.999.
        beta2: f64,
        /// Added to `√v̂` in the denominator, finite and `> 0`; PyTorch's default 1e-8.
        eps: f64,
    },
}

impl Default for Optimizer {
    /// SGD with `lr = 0.01`: the setting of LibMOON's finite-set tables.
    fn default() -> Self {
        Self::sgd(0.01)
    }
}

impl Optimizer {
    /// SGD with step size `lr`.
    pub fn sgd(lr: f64) -> Self {
        Self::Sgd { lr }
    }

    /// Adam with step size `lr` and PyTorch's defaults `beta1 = 0.9`, `beta2 = 0.999`,
    /// `eps = 1e-8`.
    pub fn adam(lr: f64) -> Self {
        Self::Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }

    /// The step size.
    pub fn lr(&self) -> f64 {
        match *self {
            Self::Sgd { lr } | Self::Adam { lr, .. } => lr,
        }
    }

    /// Lower-case name (`sgd`, `adam`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Sgd { .. } => "sgd",
            Self::Adam { .. } => "adam",
        }
    }

    /// Checks every hyperparameter against the range its doc states.
    pub fn validate(&self) -> Result<(), ParamsError> {
        let invalid = |name: &'static str, rule: &'static str, got: f64| ParamsError::Invalid {
            method: WHO,
            name,
            rule,
            got: got.to_string(),
        };
        let lr = self.lr();
        if !(lr.is_finite() && lr > 0.0) {
            return Err(invalid("lr", "must be finite and positive", lr));
        }
        if let Self::Adam {
            beta1, beta2, eps, ..
        } = *self
        {
            if !(0.0..1.0).contains(&beta1) {
                return Err(invalid("beta1", "must be in [0, 1)", beta1));
            }
            if !(0.0..1.0).contains(&beta2) {
                return Err(invalid("beta2", "must be in [0, 1)", beta2));
            }
            if !(eps.is_finite() && eps > 0.0) {
                return Err(invalid("eps", "must be finite and positive", eps));
            }
        }
        Ok(())
    }
}

/// An [`Optimizer`] with its state for a flat buffer of `len` parameters (a `K × n_var` batch
/// is `K·n_var` independent elements).
#[derive(Clone, Debug, PartialEq)]
pub struct OptimizerState {
    optimizer: Optimizer,
    /// Completed steps (Adam's `t`).
    steps: u64,
    /// Adam's first moments (empty for SGD).
    m: Vec<f64>,
    /// Adam's second moments (empty for SGD).
    v: Vec<f64>,
}

impl OptimizerState {
    /// Fresh state (zero moments, `t = 0`) for `len` parameters. Does not validate
    /// `optimizer`; call [`Optimizer::validate`] first.
    pub fn new(optimizer: Optimizer, len: usize) -> Self {
        let moments = match optimizer {
            Optimizer::Sgd { .. } => 0,
            Optimizer::Adam { .. } => len,
        };
        Self {
            optimizer,
            steps: 0,
            m: vec![0.0; moments],
            v: vec![0.0; moments],
        }
    }

    /// The optimiser.
    pub fn optimizer(&self) -> &Optimizer {
        &self.optimizer
    }

    /// Number of steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Back to zero moments and `t = 0`.
    pub fn reset(&mut self) {
        self.steps = 0;
        self.m.fill(0.0);
        self.v.fill(0.0);
    }

    /// One update of `x` along `-direction`, in place.
    ///
    /// # Panics
    /// When `x` and `direction` do not both have the length given to [`OptimizerState::new`]
    /// (an invariant of the caller, not user input).
    pub fn step(&mut self, x: &mut [f64], direction: &[f64]) {
        assert_eq!(x.len(), direction.len(), "x and direction lengths differ");
        self.steps += 1;
        match self.optimizer {
            Optimizer::Sgd { lr } => {
                for (xi, &di) in x.iter_mut().zip(direction) {
                    *xi -= lr * di;
                }
            }
            Optimizer::Adam {
                lr,
                beta1,
                beta2,
                eps,
            } => {
                assert_eq!(x.len(), self.m.len(), "Adam state sized for another batch");
                // Saturates for absurd step counts; the corrections are 1 long before that.
                let t = i32::try_from(self.steps).unwrap_or(i32::MAX);
                let c1 = 1.0 - beta1.powi(t);
                let c2 = 1.0 - beta2.powi(t);
                for (((xi, &di), mi), vi) in x
                    .iter_mut()
                    .zip(direction)
                    .zip(&mut self.m)
                    .zip(&mut self.v)
                {
                    *mi = beta1 * *mi + (1.0 - beta1) * di;
                    *vi = beta2 * *vi + (1.0 - beta2) * di * di;
                    let m_hat = *mi / c1;
                    let v_hat = *vi / c2;
                    *xi -= lr * m_hat / (v_hat.sqrt() + eps);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_rules() {
        assert!(Optimizer::sgd(0.1).validate().is_ok());
        assert!(Optimizer::adam(1e-3).validate().is_ok());
        for lr in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                Optimizer::sgd(lr).validate(),
                Err(ParamsError::Invalid { name: "lr", .. })
            ));
        }
        let bad_beta = Optimizer::Adam {
            lr: 0.1,
            beta1: 1.0,
            beta2: 0.999,
            eps: 1e-8,
        };
        assert!(matches!(
            bad_beta.validate(),
            Err(ParamsError::Invalid { name: "beta1", .. })
        ));
        let bad_eps = Optimizer::Adam {
            lr: 0.1,
            beta1: 0.9,
            beta2: 0.999,
            eps: 0.0,
        };
        assert!(matches!(
            bad_eps.validate(),
            Err(ParamsError::Invalid { name: "eps", .. })
        ));
    }

    #[test]
    fn adam_matches_hand_computation() {
        // Two steps by hand (torch.optim.Adam, weight_decay = 0): d = 2 then d = 1.
        let mut state = OptimizerState::new(Optimizer::adam(0.1), 1);
        let mut x = [0.0];
        state.step(&mut x, &[2.0]);
        // m = 0.2, v = 0.004; m̂ = 2, v̂ = 4 → Δ = 0.1 · 2 / (2 + 1e-8)
        let first = 0.1 * 2.0 / (2.0 + 1e-8);
        assert!((x[0] + first).abs() < 1e-15);
        state.step(&mut x, &[1.0]);
        let m: f64 = 0.9 * 0.2 + 0.1 * 1.0;
        let v: f64 = 0.999 * 0.004 + 0.001 * 1.0;
        let m_hat = m / (1.0 - 0.81);
        let v_hat = v / (1.0 - 0.999_f64.powi(2));
        let second = 0.1 * m_hat / (v_hat.sqrt() + 1e-8);
        assert!((x[0] + first + second).abs() < 1e-14);
        assert_eq!(state.steps(), 2);
        state.reset();
        assert_eq!(state.steps(), 0);
    }

    #[test]
    fn autotraits() {
        fn check<T: Send + Sync + Unpin>() {}
        check::<Optimizer>();
        check::<OptimizerState>();
    }
}
