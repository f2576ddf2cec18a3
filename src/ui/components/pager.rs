//! Numbered pagination (ui.md §3): first / previous / nearby pages / next / last, and the range
//! shown out of the total.

use leptos::prelude::*;

/// The pages to link around `page` of `last`: the first, the last and two on each side, with `None`
/// for gaps.
pub fn window(page: i64, last: i64) -> Vec<Option<i64>> {
    let mut out: Vec<Option<i64>> = Vec::new();
    for n in 1..=last {
        if n == 1 || n == last || (n - page).abs() <= 2 {
            out.push(Some(n));
        } else if out.last().is_some_and(Option::is_some) {
            out.push(None);
        }
    }
    out
}

/// "Showing 51–100 of 312".
pub fn range_text(page: i64, page_size: i64, count: i64) -> String {
    if count == 0 {
        return "No matches".to_string();
    }
    let first = (page - 1) * page_size + 1;
    let last = (page * page_size).min(count);
    if first > count {
        format!("Page {page} is past the end: {count} in total")
    } else {
        format!("Showing {first}–{last} of {count}")
    }
}

#[component]
pub fn Pager(
    page: i64,
    page_size: i64,
    count: i64,
    /// The URL of a page number.
    href: Callback<i64, String>,
) -> impl IntoView {
    let last = ((count + page_size - 1) / page_size.max(1)).max(1);
    let link = move |n: i64, text: String, label: String, enabled: bool| {
        if enabled {
            view! { <a class="page-link" href=href.run(n) aria-label=label>{text}</a> }.into_any()
        } else {
            view! { <span class="page-link disabled" aria-hidden="true">{text}</span> }.into_any()
        }
    };
    let numbers = window(page, last)
        .into_iter()
        .map(|n| match n {
            Some(n) if n == page => view! {
                <a class="page-link current" href=href.run(n) aria-current="page" aria-label=format!("Page {n}, current")>{n}</a>
            }
            .into_any(),
            Some(n) => view! { <a class="page-link" href=href.run(n) aria-label=format!("Page {n}")>{n}</a> }.into_any(),
            None => view! { <span class="page-gap" aria-hidden="true">"…"</span> }.into_any(),
        })
        .collect_view();
    view! {
        <nav class="pager" aria-label="Pagination">
            <p class="pager-range num">{range_text(page, page_size, count)}</p>
            {(last > 1).then(|| view! {
                <div class="pager-links">
                    {link(1, "«".into(), "First page".into(), page > 1)}
                    {link(page - 1, "‹ Previous".into(), "Previous page".into(), page > 1)}
                    {numbers}
                    {link(page + 1, "Next ›".into(), "Next page".into(), page < last)}
                    {link(last, "»".into(), format!("Last page, {last}"), page < last)}
                </div>
            })}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows() {
        assert_eq!(window(1, 1), vec![Some(1)]);
        assert_eq!(
            window(5, 10),
            vec![
                Some(1),
                None,
                Some(3),
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                None,
                Some(10)
            ]
        );
        assert_eq!(range_text(2, 50, 120), "Showing 51–100 of 120");
        assert_eq!(range_text(3, 50, 120), "Showing 101–120 of 120");
        assert_eq!(range_text(1, 50, 0), "No matches");
    }
}
