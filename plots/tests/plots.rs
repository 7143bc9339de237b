//! Every picture kind is written as PNG and SVG for m = 2, 3 and 5; bad input gives errors.

use std::path::{Path, PathBuf};

use tradeoff_pareto::Matrix;
use tradeoff_plots::{
    Error, Format, FrontPlot, PslPlot, RayOrigin, bar_plot, front_plot, fronts_overlay_plot,
    history_plot, psl_plot,
};

/// A fresh, empty folder for one test (removed by the test when it passes).
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tradeoff-plots-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Seeded pseudo-random values in [0, 1).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A front-like point set: n points on the unit sphere's positive orthant in m dimensions,
/// pushed outwards by up to `noise`.
fn sphere(n: usize, m: usize, noise: f64, seed: u64) -> Matrix {
    let mut rng = Lcg(seed);
    let rows: Vec<Vec<f64>> = (0..n)
        .map(|_| {
            let v: Vec<f64> = (0..m).map(|_| rng.next() + 0.05).collect();
            let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            let r = 1.0 + noise * rng.next();
            v.iter().map(|x| r * x / norm).collect()
        })
        .collect();
    Matrix::from_rows(&rows).unwrap()
}

fn simplex(n: usize, m: usize, seed: u64) -> Matrix {
    let mut rng = Lcg(seed);
    let rows: Vec<Vec<f64>> = (0..n)
        .map(|_| {
            let v: Vec<f64> = (0..m).map(|_| rng.next() + 0.01).collect();
            let s: f64 = v.iter().sum();
            v.iter().map(|x| x / s).collect()
        })
        .collect();
    Matrix::from_rows(&rows).unwrap()
}

/// Writes `stem.png` and `stem.svg` with `draw`, and checks both: PNG signature, non-empty,
/// and the SVG holds `title`.
fn check_both(
    dir: &Path,
    stem: &str,
    title: &str,
    draw: impl Fn(&Path) -> tradeoff_plots::Result<()>,
) {
    for format in Format::ALL {
        let path = dir.join(format!("{stem}.{}", format.extension()));
        draw(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.len() > 1000, "{} is too small", path.display());
        match format {
            Format::Png => assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n"),
            Format::Svg => {
                let svg = String::from_utf8(bytes).unwrap();
                assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
                assert!(svg.contains(title), "{} lacks its title", path.display());
            }
        }
    }
}

/// Only the pictures remain in `dir`: no temporary files are left behind.
fn assert_no_temporaries(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(!name.starts_with('.'), "left behind: {name}");
    }
}

#[test]
fn front_plot_writes_png_and_svg_for_2_3_and_5_objectives() {
    let dir = temp_dir("front");
    for m in [2, 3, 5] {
        let objectives = sphere(10, m, 0.05, 1);
        let front = sphere(300, m, 0.0, 2);
        let prefs = simplex(10, m, 3);
        let title = format!("Front with {m} objectives");
        check_both(&dir, &format!("front{m}"), &title, |p| {
            front_plot(
                p,
                &FrontPlot::new(title.clone(), &objectives)
                    .with_true_front(&front)
                    .with_preferences(&prefs)
                    .with_series_name("EPO"),
            )
        });
        // Bare: no true front, no rays, rays from the ideal point, custom labels.
        let labels: Vec<String> = (0..m).map(|j| format!("loss {j}")).collect();
        check_both(&dir, &format!("bare{m}"), "Bare", |p| {
            front_plot(
                p,
                &FrontPlot::new("Bare", &objectives)
                    .with_preferences(&prefs)
                    .with_ray_origin(RayOrigin::Ideal)
                    .with_labels(labels.clone())
                    .with_size(640, 480),
            )
        });
    }
    assert_no_temporaries(&dir);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn overlay_plot_writes_png_and_svg_for_2_3_and_5_objectives() {
    let dir = temp_dir("overlay");
    for m in [2, 3, 5] {
        let a = sphere(10, m, 0.05, 4);
        let b = sphere(12, m, 0.2, 5);
        let c = sphere(8, m, 0.4, 6);
        let front = sphere(200, m, 0.0, 7);
        let title = format!("Overlay with {m} objectives");
        check_both(&dir, &format!("overlay{m}"), &title, |p| {
            fronts_overlay_plot(
                p,
                &title,
                &[("EPO", &a), ("MGDA", &b), ("UPGrad", &c)],
                Some(&front),
            )
        });
    }
    // More series than the palette has colours.
    let many: Vec<(String, Matrix)> = (0..20)
        .map(|i| (format!("solver {i}"), sphere(5, 2, 0.3, 100 + i)))
        .collect();
    let refs: Vec<(&str, &Matrix)> = many.iter().map(|(n, m)| (n.as_str(), m)).collect();
    check_both(&dir, "many", "Twenty solvers", |p| {
        fronts_overlay_plot(p, "Twenty solvers", &refs, None)
    });
    assert_no_temporaries(&dir);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn psl_plot_writes_png_and_svg_for_2_3_and_5_objectives() {
    let dir = temp_dir("psl");
    for m in [2, 3, 5] {
        let learned = sphere(400, m, 0.02, 8);
        let front = sphere(300, m, 0.0, 9);
        let prefs = simplex(6, m, 10);
        let mapped = sphere(6, m, 0.02, 11);
        let title = format!("PSL with {m} objectives");
        check_both(&dir, &format!("psl{m}"), &title, |p| {
            psl_plot(
                p,
                &PslPlot::new(title.clone(), &learned)
                    .with_true_front(&front)
                    .with_mapping(&prefs, &mapped),
            )
        });
        check_both(&dir, &format!("psl_bare{m}"), "Learned only", |p| {
            psl_plot(p, &PslPlot::new("Learned only", &learned))
        });
    }
    assert_no_temporaries(&dir);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Named point sets get their legend entries (a finite set beside a learned front).
#[test]
fn psl_plot_names_its_point_sets_in_the_legend() {
    let dir = temp_dir("psl-points");
    let learned = sphere(100, 2, 0.02, 8);
    let finite = sphere(5, 2, 0.05, 12);
    let at_rays = sphere(5, 2, 0.01, 13);
    check_both(&dir, "points", "Finite set", |p| {
        psl_plot(
            p,
            &PslPlot::new("Finite set", &learned)
                .with_points("finite set: 5 models", &finite)
                .with_points("learned at its rays", &at_rays),
        )
    });
    let svg = std::fs::read_to_string(dir.join("points.svg")).unwrap();
    assert!(
        svg.contains("finite set: 5 models"),
        "legend lacks the finite set"
    );
    assert!(
        svg.contains("learned at its rays"),
        "legend lacks the second set"
    );
    assert!(!svg.contains("true front"), "no true front was given");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn history_and_bar_plots_write_png_and_svg() {
    let dir = temp_dir("history-bar");
    let series: Vec<(String, Vec<(usize, f64)>)> = (0..14)
        .map(|k| {
            let pts = (0..=100)
                .map(|it| {
                    let v = 0.6 * (1.0 - (-(it as f64) / (10.0 + k as f64)).exp());
                    (it, if k == 1 && it == 50 { f64::NAN } else { v })
                })
                .collect();
            (format!("solver {k}"), pts)
        })
        .collect();
    check_both(&dir, "history", "Hypervolume history", |p| {
        history_plot(p, "Hypervolume history", &series, "hypervolume")
    });
    // One series, one point; and a series that is only NaN beside a good one.
    check_both(&dir, "history_one", "One point", |p| {
        history_plot(p, "One point", &[("EPO", vec![(0, 0.5)])], "hypervolume")
    });
    check_both(&dir, "history_nan", "With NaN", |p| {
        history_plot(
            p,
            "With NaN",
            &[
                ("bad", vec![(0, f64::NAN), (1, f64::INFINITY)]),
                ("good", vec![(0, 0.1), (1, 0.2)]),
            ],
            "hypervolume",
        )
    });
    let bars = [
        ("EPO", 0.6612, 0.0012),
        ("MGDA-UB", 0.6493, 0.0051),
        ("Linear scalarisation with a long name", 0.612, 0.02),
        ("broken", f64::NAN, 0.1),
        ("no spread", 0.63, f64::NAN),
    ];
    check_both(&dir, "bars", "Hypervolume over seeds", |p| {
        bar_plot(p, "Hypervolume over seeds", &bars, "hypervolume")
    });
    check_both(&dir, "bar_one", "One bar", |p| {
        bar_plot(p, "One bar", &[("EPO", 0.5, 0.01)], "hypervolume")
    });
    check_both(&dir, "bar_negative", "Negative &amp; positive", |p| {
        bar_plot(
            p,
            "Negative & positive",
            &[("a", -1.0, 0.2), ("b", 2.0, 0.5)],
            "change",
        )
    });
    assert_no_temporaries(&dir);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn non_finite_rows_are_skipped() {
    let dir = temp_dir("nan");
    let objectives = Matrix::from_rows(&[
        [0.1, 0.9],
        [f64::NAN, 0.5],
        [0.5, 0.5],
        [f64::INFINITY, 0.0],
        [0.9, 0.1],
    ])
    .unwrap();
    let front = Matrix::from_rows(&[[0.0, 1.0], [0.5, f64::NAN], [1.0, 0.0]]).unwrap();
    let prefs = Matrix::from_rows(&[[0.5, 0.5], [0.0, 0.0], [f64::NAN, 1.0]]).unwrap();
    check_both(&dir, "nan", "NaN rows", |p| {
        front_plot(
            p,
            &FrontPlot::new("NaN rows", &objectives)
                .with_true_front(&front)
                .with_preferences(&prefs),
        )
    });
    // A series with no finite row is left out of an overlay.
    let all_nan = Matrix::from_rows(&[[f64::NAN, 1.0]]).unwrap();
    check_both(&dir, "overlay_nan", "Overlay NaN", |p| {
        fronts_overlay_plot(
            p,
            "Overlay NaN",
            &[("bad", &all_nan), ("good", &objectives)],
            None,
        )
    });
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn empty_or_bad_input_is_an_error_not_a_panic() {
    let dir = temp_dir("errors");
    let png = dir.join("x.png");
    let empty = Matrix::zeros(0, 2);
    let ok = sphere(5, 2, 0.1, 12);
    let all_nan = Matrix::from_rows(&[[f64::NAN, 1.0], [0.0, f64::INFINITY]]).unwrap();
    let one_col = Matrix::from_rows(&[[1.0], [2.0]]).unwrap();
    let three_cols = sphere(5, 3, 0.0, 13);

    let err = front_plot(&png, &FrontPlot::new("t", &empty)).unwrap_err();
    assert!(matches!(err, Error::Empty { .. }), "{err}");
    let err = front_plot(&png, &FrontPlot::new("t", &all_nan)).unwrap_err();
    assert!(matches!(err, Error::NoFiniteValues { .. }), "{err}");
    let err = front_plot(&png, &FrontPlot::new("t", &one_col)).unwrap_err();
    assert!(
        matches!(err, Error::TooFewObjectives { got: 1, .. }),
        "{err}"
    );
    let err = front_plot(&png, &FrontPlot::new("t", &ok).with_true_front(&three_cols)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::DimensionMismatch {
                expected: 2,
                got: 3,
                ..
            }
        ),
        "{err}"
    );
    let err = front_plot(
        &png,
        &FrontPlot::new("t", &ok).with_preferences(&three_cols),
    )
    .unwrap_err();
    assert!(matches!(err, Error::DimensionMismatch { .. }), "{err}");
    let err = front_plot(&png, &FrontPlot::new("t", &ok).with_labels(["a"])).unwrap_err();
    assert!(matches!(err, Error::DimensionMismatch { .. }), "{err}");
    let err = front_plot(&png, &FrontPlot::new("t", &ok).with_size(0, 10)).unwrap_err();
    assert!(matches!(err, Error::InvalidSize { .. }), "{err}");

    let none: [(&str, &Matrix); 0] = [];
    let err = fronts_overlay_plot(&png, "t", &none, None).unwrap_err();
    assert!(matches!(err, Error::Empty { .. }), "{err}");
    let err = fronts_overlay_plot(&png, "t", &[("a", &empty)], None).unwrap_err();
    assert!(matches!(err, Error::Empty { .. }), "{err}");
    let err = fronts_overlay_plot(&png, "t", &[("a", &all_nan)], None).unwrap_err();
    assert!(matches!(err, Error::NoFiniteValues { .. }), "{err}");
    let err = fronts_overlay_plot(&png, "t", &[("a", &ok), ("b", &three_cols)], None).unwrap_err();
    assert!(matches!(err, Error::DimensionMismatch { .. }), "{err}");

    let err = psl_plot(&png, &PslPlot::new("t", &empty)).unwrap_err();
    assert!(matches!(err, Error::Empty { .. }), "{err}");
    let prefs = simplex(3, 2, 14);
    let err = psl_plot(&png, &PslPlot::new("t", &ok).with_mapping(&prefs, &ok)).unwrap_err();
    assert!(matches!(err, Error::DimensionMismatch { .. }), "{err}");

    let no_series: [(&str, Vec<(usize, f64)>); 0] = [];
    let err = history_plot(&png, "t", &no_series, "hv").unwrap_err();
    assert!(matches!(err, Error::Empty { .. }), "{err}");
    let err = history_plot(&png, "t", &[("a", vec![])], "hv").unwrap_err();
    assert!(matches!(err, Error::Empty { .. }), "{err}");
    let err = history_plot(&png, "t", &[("a", vec![(0, f64::NAN)])], "hv").unwrap_err();
    assert!(matches!(err, Error::NoFiniteValues { .. }), "{err}");

    let no_bars: [(&str, f64, f64); 0] = [];
    let err = bar_plot(&png, "t", &no_bars, "hv").unwrap_err();
    assert!(matches!(err, Error::Empty { .. }), "{err}");
    let err = bar_plot(&png, "t", &[("a", f64::NAN, 0.0)], "hv").unwrap_err();
    assert!(matches!(err, Error::NoFiniteValues { .. }), "{err}");

    // Unknown extension, missing folder.
    let err = front_plot(dir.join("x.pdf"), &FrontPlot::new("t", &ok)).unwrap_err();
    assert!(matches!(err, Error::UnknownFormat { .. }), "{err}");
    let err = front_plot(dir.join("missing/x.svg"), &FrontPlot::new("t", &ok)).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
    assert!(err.to_string().contains("missing"), "{err}");

    assert!(
        std::fs::read_dir(&dir).unwrap().next().is_none(),
        "an error wrote a file"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Error>();
    check::<Format>();
    check::<RayOrigin>();
    check::<FrontPlot<'static>>();
    check::<PslPlot<'static>>();
}
