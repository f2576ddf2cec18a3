//! A small inline chart of a daily series.

use leptos::prelude::*;

use crate::model::dashboard::DayCount;

/// Polyline points for `counts` in a `width`×`height` box (pure, so it is unit-tested).
pub fn points(counts: &[i64], width: f64, height: f64) -> String {
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = if counts.len() > 1 {
        width / (counts.len() - 1) as f64
    } else {
        0.0
    };
    counts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * step,
                height - (*c as f64 / max) * height
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
pub fn Sparkline(series: Vec<DayCount>, #[prop(into)] label: String) -> impl IntoView {
    let counts: Vec<i64> = series.iter().map(|d| d.count).collect();
    let total: i64 = counts.iter().sum();
    let description = format!("{label}: {total} in the last 30 days");
    let aria = description.clone();
    view! {
        <svg class="sparkline" viewBox="0 0 120 30" width="120" height="30" role="img" aria-label=aria>
            <title>{description}</title>
            <polyline points=points(&counts, 120.0, 28.0) fill="none" stroke="currentColor" stroke-width="1.5"></polyline>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_to_box() {
        assert_eq!(
            points(&[0, 2, 1], 100.0, 10.0),
            "0.0,10.0 50.0,0.0 100.0,5.0"
        );
        assert_eq!(points(&[], 100.0, 10.0), "");
    }
}
