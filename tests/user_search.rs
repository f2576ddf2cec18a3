//! `GET /users` search beyond a handful of rows: the query switches between index matches (sorted)
//! and an order-index walk at 20,000 matches (`db::account_list`); both ways must list and count
//! the same accounts in the same order, alone and combined with filters and tags.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

const P: &str = "/api/pleroma/admin";
const N: usize = 20_300;

/// `Walker00000` … `Walker20299`, every even one deactivated, with display names `Runner <n>`.
async fn seed(app: &TestApp) {
    app.sql(&format!(
        "WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < {last})
         INSERT INTO accounts (id, nickname, nickname_lower, local, deactivated, display_name,
                               display_name_lower, ap_id, created_at, updated_at)
         SELECT 'walkid' || n, 'Walker' || pad, 'walker' || pad, TRUE, (n % 2 = 0),
                'Runner ' || pad, 'runner ' || pad, 'https://example.test/users/walker' || pad, 1, 1
         FROM (SELECT n, CASE WHEN n < 10 THEN '0000' WHEN n < 100 THEN '000' WHEN n < 1000 THEN '00'
                              WHEN n < 10000 THEN '0'
                              ELSE '' END || n AS pad FROM s) AS p",
        last = N - 1
    ))
    .await;
}

async fn nicknames(app: &TestApp, token: &str, query: &str) -> (i64, Vec<String>) {
    let (status, body) = app.get(&format!("{P}/users?{query}"), Some(token)).await;
    assert_eq!(status, 200, "{query}: {body}");
    let names = body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["nickname"].as_str().unwrap().to_string())
        .collect();
    (body["count"].as_i64().unwrap(), names)
}

fn walker(n: usize) -> String {
    format!("Walker{n:05}")
}

async fn many_matches_page_and_count_alike(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let token = app.token("root", "pw-root", "read write admin").await;
    seed(&app).await;

    // 20,300 matches: the walk.
    let (count, first) = nicknames(&app, &token, "query=ALKER&page_size=50").await;
    assert_eq!(count, N as i64);
    assert_eq!(first, (0..50).map(walker).collect::<Vec<_>>());
    let (_, last) = nicknames(&app, &token, "query=alker&page=406&page_size=50").await;
    assert_eq!(last, (20250..20300).map(walker).collect::<Vec<_>>());
    let (count, beyond) = nicknames(&app, &token, "query=alker&page=407&page_size=50").await;
    assert_eq!((count, beyond.len()), (N as i64, 0));

    // 100 matches: trigram matches, sorted.
    let (count, few) = nicknames(&app, &token, "query=walker202&page_size=500").await;
    assert_eq!(count, 100);
    assert_eq!(few, (20200..20300).map(walker).collect::<Vec<_>>());

    // With a filter the count is exact too; every even walker is deactivated.
    let (count, page) = nicknames(
        &app,
        &token,
        "query=walker&filters=deactivated&page=2&page_size=10",
    )
    .await;
    assert_eq!(count, (N / 2) as i64);
    assert_eq!(page, (10..20).map(|k| walker(2 * k)).collect::<Vec<_>>());

    // 10,000 matches, which PostgreSQL takes from the trigram index and sorts: a deep page too.
    let (count, deep) = nicknames(&app, &token, "query=walker1&page=100&page_size=50").await;
    assert_eq!(count, 10_000);
    assert_eq!(deep, (14950..15000).map(walker).collect::<Vec<_>>());

    // Tags alone and with a search term: 1,000 tagged walkers (`Walker00000` … `Walker00999`).
    app.sql(
        "INSERT INTO account_tags (account_id, position, tag)
         SELECT id, 0, 'mrf_tag:sandbox' FROM accounts WHERE nickname_lower LIKE 'walker00%'",
    )
    .await;
    let (count, page) =
        nicknames(&app, &token, "tags[]=mrf_tag:sandbox&page=3&page_size=100").await;
    assert_eq!(count, 1000);
    assert_eq!(page, (200..300).map(walker).collect::<Vec<_>>());
    // Tags with flags read account_tags alone (migration 0014 copies the flags there): every even
    // walker is deactivated, and a state change through the API reaches the copy.
    let (count, page) = nicknames(
        &app,
        &token,
        "tags[]=mrf_tag:sandbox&filters=deactivated&page=2&page_size=10",
    )
    .await;
    assert_eq!(count, 500);
    assert_eq!(page, (10..20).map(|k| walker(2 * k)).collect::<Vec<_>>());
    let (status, body) = app
        .call(
            Method::PATCH,
            &format!("{P}/users/activate"),
            Some(&token),
            Some(json!({"nicknames": [walker(20), walker(22)]})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (count, page) = nicknames(
        &app,
        &token,
        "tags[]=mrf_tag:sandbox&filters=deactivated,local&actor_types[]=Person&page=2&page_size=10",
    )
    .await;
    assert_eq!(count, 498);
    assert_eq!(page, (12..22).map(|k| walker(2 * k)).collect::<Vec<_>>());
    let (count, _) = nicknames(&app, &token, "tags[]=mrf_tag:sandbox&filters=external").await;
    assert_eq!(count, 0);
    // The tags-only count comes from the tag index: an account with two of the tags counts once,
    // an internal account not at all, exactly as the page lists them.
    app.sql(
        "INSERT INTO account_tags (account_id, position, tag)
         SELECT id, 1, 'mrf_tag:disable-any-subscription' FROM accounts
         WHERE nickname_lower LIKE 'walker000%' OR nickname_lower LIKE 'walker2029%'",
    )
    .await;
    app.sql("UPDATE accounts SET internal = TRUE WHERE nickname = 'Walker00001'")
        .await;
    let both = "tags[]=mrf_tag:sandbox&tags[]=mrf_tag:disable-any-subscription";
    let mut page = Vec::new();
    for n in 1..=3 {
        let (count, part) =
            nicknames(&app, &token, &format!("{both}&page={n}&page_size=500")).await;
        assert_eq!(count, 1009);
        page.extend(part);
    }
    assert_eq!(page.len(), 1009);
    assert!(!page.contains(&walker(1)) && page.contains(&walker(20299)));
    let (count, _) = nicknames(&app, &token, "tags[]=mrf_tag:disable-any-subscription").await;
    assert_eq!(count, 109);
    app.sql("UPDATE accounts SET internal = FALSE WHERE nickname = 'Walker00001'")
        .await;
    let (count, page) = nicknames(
        &app,
        &token,
        "tags[]=mrf_tag:sandbox&query=walker009&filters=deactivated",
    )
    .await;
    assert_eq!(count, 50);
    assert_eq!(
        page,
        (0..50).map(|k| walker(900 + 2 * k)).collect::<Vec<_>>()
    );

    // Past the last page of a list whose page query also counts (a term beside a filter): no row
    // carries the count, which is then taken on its own.
    let (count, beyond) = nicknames(
        &app,
        &token,
        "tags[]=mrf_tag:sandbox&query=walker009&filters=deactivated&page=2",
    )
    .await;
    assert_eq!((count, beyond.len()), (50, 0));
    let (count, none) = nicknames(&app, &token, "query=walker009&filters=external").await;
    assert_eq!((count, none.len()), (0, 0));

    // A list longer than any statement may bind is refused up front, for every list filter.
    // Such a list does not fit in a URL (the HTTP stack caps those at 64 KiB), so it comes as a
    // JSON body, which the query parameters are merged with.
    for key in ["tags", "actor_types"] {
        let list: Vec<String> = (0..12_000).map(|i| format!("x{i}")).collect();
        let (status, body) = app
            .call(
                Method::GET,
                &format!("{P}/users"),
                Some(&token),
                Some(json!({ key: list })),
            )
            .await;
        assert_eq!(status, 400, "{key}: {body}");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("at most 10000 values"),
            "{body}"
        );
    }

    // Display names: the same switch for `name`.
    let (count, page) = nicknames(&app, &token, "name=RUNNER&page=3&page_size=20").await;
    assert_eq!(count, N as i64);
    assert_eq!(page, (40..60).map(walker).collect::<Vec<_>>());
    let (count, page) = nicknames(&app, &token, "name=runner%2001&page=2&page_size=10").await;
    assert_eq!(count, 1000);
    assert_eq!(page, (1010..1020).map(walker).collect::<Vec<_>>());

    // Quotes, wildcards and FTS syntax are literal text.
    for q in [
        "%22walker%22",
        "walker%25",
        "walker_",
        "alker OR x",
        "{nickname_lower}",
    ] {
        let (count, users) = nicknames(&app, &token, &format!("query={q}")).await;
        assert_eq!((count, users.len()), (0, 0), "{q}");
    }
    let body: Value = app
        .get(&format!("{P}/users?query=alker*"), Some(&token))
        .await
        .1;
    assert_eq!(body["count"], 0);
}

backend_tests!(many_matches_page_and_count_alike);
