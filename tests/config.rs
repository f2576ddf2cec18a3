//! The config store (config.md): GET/POST /config, descriptions, need_reboot and restart, the
//! legacy migrate endpoints (operations.md §7), the config_update log entry, live and reboot-time
//! settings, and two processes on one database.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::time::Duration;

use base64::Engine;
use common::{Expect, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use steward::server::db::Backend;

const P: &str = "/api/pleroma/admin";
const P1: &str = "/api/v1/pleroma/admin";
const DISABLED: &str = "To use this endpoint you need to enable configuration from database.";

async fn admin(app: &TestApp) -> String {
    app.user("root", "pw-root", true, false).await;
    app.token("root", "pw-root", "read write follow admin")
        .await
}

/// A keyword list in its JSON form: `[{"tuple": [":k", v]}, …]`.
fn kw(pairs: &[(&str, Value)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(k, v)| json!({"tuple": [format!(":{k}"), v]}))
            .collect(),
    )
}

fn update(group: &str, key: &str, value: Value) -> Value {
    json!({"group": group, "key": key, "value": value})
}

fn delete(group: &str, key: &str) -> Value {
    json!({"group": group, "key": key, "delete": true})
}

fn delete_subkeys(group: &str, key: &str, subkeys: &[&str]) -> Value {
    json!({"group": group, "key": key, "delete": true, "subkeys": subkeys})
}

async fn post(app: &TestApp, token: &str, configs: Value) -> (StatusCode, Value) {
    app.call(
        Method::POST,
        &format!("{P}/config"),
        Some(token),
        Some(json!({ "configs": configs })),
    )
    .await
}

/// POSTs and expects 200; returns the answer.
async fn post_ok(app: &TestApp, token: &str, configs: Value) -> Value {
    let (status, body) = post(app, token, configs).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn only_db(app: &TestApp, token: &str) -> Value {
    let (status, body) = app
        .get(&format!("{P}/config?only_db=true"), Some(token))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["configs"].clone()
}

async fn effective(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, body) = app.get(&format!("{P1}/config"), Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["configs"].as_array().unwrap().clone()
}

fn find<'a>(configs: &'a [Value], group: &str, key: &str) -> Option<&'a Value> {
    configs
        .iter()
        .find(|c| c["group"] == group && c["key"] == key)
}

/// The value of `key` in a keyword list's JSON form.
fn kw_get<'a>(list: &'a Value, key: &str) -> Option<&'a Value> {
    list.as_array()?
        .iter()
        .find(|e| e["tuple"][0] == format!(":{key}"))
        .map(|e| &e["tuple"][1])
}

async fn need_reboot(app: &TestApp, token: &str) -> bool {
    let (status, body) = app.get(&format!("{P1}/need_reboot"), Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["need_reboot"].as_bool().unwrap()
}

async fn restart(app: &TestApp, token: &str) {
    let (status, body) = app.get(&format!("{P}/restart"), Some(token)).await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
}

async fn log(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, body) = app
        .get(
            &format!("{P}/moderation_log?action=config_update&page_size=500"),
            Some(token),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

async fn instance_title(app: &TestApp) -> String {
    let (status, body) = app.get("/api/v1/instance", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["title"].as_str().unwrap().to_string()
}

async fn every_route_checks_access(app: TestApp) {
    let read = || Expect {
        scope: "read",
        privilege: None,
    };
    let write = || Expect {
        scope: "write",
        privilege: None,
    };
    let routes = [
        (Method::GET, format!("{P}/config"), None, read()),
        (
            Method::POST,
            format!("{P1}/config"),
            Some(json!({"configs": []})),
            write(),
        ),
        (
            Method::GET,
            format!("{P}/config/descriptions"),
            None,
            read(),
        ),
        (Method::GET, format!("{P1}/need_reboot"), None, read()),
        (Method::GET, format!("{P}/restart"), None, write()),
        (
            Method::GET,
            format!("{P1}/config/migrate_to_db"),
            None,
            write(),
        ),
        (
            Method::GET,
            format!("{P}/config/migrate_from_db"),
            None,
            write(),
        ),
    ];
    for (method, path, body, expect) in routes {
        let (status, answer) = app.assert_access(method, &path, body, expect).await;
        assert_eq!(status, StatusCode::OK, "{path}: {answer}");
    }
    // Every route under the other prefix too, with a trailing slash.
    let token = admin(&app).await;
    for path in [
        "/config",
        "/config/descriptions",
        "/need_reboot",
        "/restart",
        "/config/migrate_to_db",
        "/config/migrate_from_db",
    ] {
        for prefix in [P, P1] {
            let (status, body) = app.get(&format!("{prefix}{path}/"), Some(&token)).await;
            assert_eq!(status, StatusCode::OK, "{prefix}{path}: {body}");
        }
    }
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{P}/config"),
            Some(&token),
            Some(json!({"configs": []})),
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"configs": [], "need_reboot": false}))
    );
}

async fn defaults_and_database_layers(app: TestApp) {
    let token = admin(&app).await;
    let (status, body) = app.get(&format!("{P}/config"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["need_reboot"], false);
    let configs = body["configs"].as_array().unwrap();
    let instance = find(configs, ":pleroma", ":instance").unwrap();
    assert_eq!(kw_get(&instance["value"], "name"), Some(&json!("steward")));
    assert_eq!(
        kw_get(&instance["value"], "upload_limit"),
        Some(&json!(16000000))
    );
    assert!(instance.get("db").is_none(), "{instance}");
    let rate = find(configs, ":pleroma", ":rate_limit").unwrap();
    assert_eq!(
        rate["value"],
        kw(&[("authentication", json!({"tuple": [60000, 15]}))])
    );
    assert_eq!(only_db(&app, &token).await, json!([]));

    let answer = post_ok(
        &app,
        &token,
        json!([
            update(":logger", ":console", kw(&[("level", json!(":info"))])),
            update(":pleroma", ":instance", kw(&[("name", json!("Fedi"))])),
            update(":pleroma", ":some_flag", json!(false)),
        ]),
    )
    .await;
    assert_eq!(
        answer,
        json!({"configs": [
            {"group": ":logger", "key": ":console", "value": kw(&[("level", json!(":info"))]), "db": [":level"]},
            {"group": ":pleroma", "key": ":instance", "value": kw(&[("name", json!("Fedi"))]), "db": [":name"]},
            // A stored `false` has its `db` (Pleroma 2.3 omitted it).
            {"group": ":pleroma", "key": ":some_flag", "value": false, "db": [":some_flag"]},
        ], "need_reboot": false})
    );

    // only_db: the rows in creation order, without `db`.
    assert_eq!(
        only_db(&app, &token).await,
        json!([
            {"group": ":logger", "key": ":console", "value": kw(&[("level", json!(":info"))])},
            {"group": ":pleroma", "key": ":instance", "value": kw(&[("name", json!("Fedi"))])},
            {"group": ":pleroma", "key": ":some_flag", "value": false},
        ])
    );

    // The merged view: defaults first (merged with the rows), then database-only keys.
    let configs = effective(&app, &token).await;
    assert_eq!(configs[0]["key"], ":instance");
    let instance = &configs[0];
    assert_eq!(instance["db"], json!([":name"]));
    let entries = instance["value"].as_array().unwrap();
    // The merge puts the stored entry after the defaults it did not touch.
    assert_eq!(
        entries.last().unwrap(),
        &json!({"tuple": [":name", "Fedi"]})
    );
    assert_eq!(kw_get(&instance["value"], "limit"), Some(&json!(5000)));
    assert_eq!(
        entries.iter().filter(|e| e["tuple"][0] == ":name").count(),
        1
    );
    let n = configs.len();
    assert_eq!(
        (&configs[n - 2]["key"], &configs[n - 1]["key"]),
        (&json!(":console"), &json!(":some_flag"))
    );
    // Defaults without a row carry no `db`.
    assert!(find(&configs, ":pleroma", ":auth")
        .unwrap()
        .get("db")
        .is_none());

    // only_db must be a boolean.
    let (status, body) = app
        .get(&format!("{P}/config?only_db=maybe"), Some(&token))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "only_db - Invalid boolean. Got: string.");
    let (status, body) = app
        .get(&format!("{P}/config?only_db=1"), Some(&token))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["configs"].as_array().unwrap().len(), 3);
}

async fn merging_and_updating(app: TestApp) {
    let token = admin(&app).await;
    // config.md §5, the keyword merge example.
    post_ok(
        &app,
        &token,
        json!([update(
            ":pleroma",
            ":key",
            kw(&[
                ("key1", json!(1)),
                ("key2", kw(&[("k1", json!(1)), ("k2", json!(2))]))
            ])
        )]),
    )
    .await;
    let answer = post_ok(
        &app,
        &token,
        json!([update(
            ":pleroma",
            ":key",
            kw(&[
                ("key3", json!(3)),
                ("key2", kw(&[("k2", json!(1)), ("k3", json!(3))]))
            ])
        )]),
    )
    .await;
    assert_eq!(
        answer["configs"],
        json!([{"group": ":pleroma", "key": ":key",
                "value": kw(&[("key1", json!(1)), ("key3", json!(3)),
                              ("key2", kw(&[("k1", json!(1)), ("k2", json!(1)), ("k3", json!(3))]))]),
                "db": [":key1", ":key3", ":key2"]}])
    );

    // Full-subkey update: the :emoji example.
    post_ok(
        &app,
        &token,
        json!([update(
            ":pleroma",
            ":emoji",
            kw(&[
                ("groups", kw(&[("a", json!(1)), ("b", json!(2))])),
                ("key", kw(&[("a", json!(1))]))
            ])
        )]),
    )
    .await;
    let answer = post_ok(
        &app,
        &token,
        json!([update(
            ":pleroma",
            ":emoji",
            kw(&[
                ("groups", kw(&[("c", json!(3)), ("d", json!(4))])),
                ("key", kw(&[("b", json!(2))]))
            ])
        )]),
    )
    .await;
    assert_eq!(
        answer["configs"][0]["value"],
        kw(&[
            ("groups", kw(&[("c", json!(3)), ("d", json!(4))])),
            ("key", kw(&[("a", json!(1)), ("b", json!(2))]))
        ])
    );

    // Full-key updates replace.
    for (group, key) in [
        (":cors_plug", ":headers"),
        (":logger", ":backends"),
        (":pleroma", ":ecto_repos"),
    ] {
        post_ok(
            &app,
            &token,
            json!([update(group, key, kw(&[("a", json!(1))]))]),
        )
        .await;
        let answer = post_ok(
            &app,
            &token,
            json!([update(group, key, kw(&[("b", json!(2))]))]),
        )
        .await;
        assert_eq!(
            answer["configs"][0]["value"],
            kw(&[("b", json!(2))]),
            "{key}"
        );
    }

    // A plain list meeting a list is replaced (Pleroma 2.3 crashed).
    post_ok(
        &app,
        &token,
        json!([update(":logger", ":things", json!([":a", ":b"]))]),
    )
    .await;
    let answer = post_ok(
        &app,
        &token,
        json!([update(":logger", ":things", json!([":c"]))]),
    )
    .await;
    assert_eq!(
        answer["configs"][0],
        json!({"group": ":logger", "key": ":things", "value": [":c"], "db": [":things"]})
    );

    // Items apply in order; later ones see earlier results; the answer keeps request order.
    let answer = post_ok(
        &app,
        &token,
        json!([
            update(":pleroma", ":seq", kw(&[("a", json!(1))])),
            update(":pleroma", ":other", json!("x")),
            update(":pleroma", ":seq", kw(&[("b", json!(2))])),
        ]),
    )
    .await;
    assert_eq!(
        answer["configs"],
        json!([
            {"group": ":pleroma", "key": ":seq", "value": kw(&[("a", json!(1))]), "db": [":a"]},
            {"group": ":pleroma", "key": ":other", "value": "x", "db": [":other"]},
            {"group": ":pleroma", "key": ":seq", "value": kw(&[("a", json!(1)), ("b", json!(2))]), "db": [":a", ":b"]},
        ])
    );
}

async fn values_convert_both_ways(app: TestApp) {
    let token = admin(&app).await;
    let sent = kw(&[
        ("regex", json!("~r/https://example.com/")),
        ("bracket_regex", json!("  ~r[abc]i ")),
        ("regexes", json!(["~r/a/", "~r{b/c}"])),
        ("atom", json!(":tlsv1.2")),
        ("module", json!("Pleroma.Web.ActivityPub.MRF.TagPolicy")),
        ("not_module", json!("Pleroma")),
        ("padded", json!("  padded  ")),
        ("number", json!(16000000)),
        ("float", json!(0.5)),
        ("nothing", json!(null)),
        (
            "map",
            json!({":atom_key": ":v", "string key": " s ", "ünï": "✓"}),
        ),
        ("args", json!(["{\"implode\", \"1\"}", "{ :x ,1 }", "-v"])),
        (
            "proxy_url",
            json!({"tuple": [":socks5", "localhost", 9050]}),
        ),
        ("partial_chain", json!("&:hackney_connect.partial_chain/1")),
        ("extra_key", json!({"tuple": [1, 2], "ignored": true})),
    ]);
    let expected = kw(&[
        ("regex", json!("~r/https:\\/\\/example.com/")),
        ("bracket_regex", json!("~r/abc/i")),
        ("regexes", json!(["~r/a/", "~r/b\\/c/"])),
        ("atom", json!(":tlsv1.2")),
        ("module", json!("Pleroma.Web.ActivityPub.MRF.TagPolicy")),
        ("not_module", json!("Pleroma")),
        ("padded", json!("padded")),
        ("number", json!(16000000)),
        ("float", json!(0.5)),
        ("nothing", json!(null)),
        (
            "map",
            json!({":atom_key": ":v", "string key": "s", "ünï": "✓"}),
        ),
        ("args", json!(["{\"implode\", \"1\"}", "{:x, 1}", "-v"])),
        (
            "proxy_url",
            json!({"tuple": [":socks5", "localhost", 9050]}),
        ),
        ("partial_chain", json!("&:hackney_connect.partial_chain/1")),
        ("extra_key", json!({"tuple": [1, 2]})),
    ]);
    let answer = post_ok(
        &app,
        &token,
        json!([update(":pleroma", "Pleroma.Upload", sent)]),
    )
    .await;
    assert_eq!(answer["configs"][0]["value"], expected);
    assert_eq!(only_db(&app, &token).await[0]["value"], expected);
    // Sending the normal form back is the identity, so nothing changes.
    let answer = post_ok(
        &app,
        &token,
        json!([update(":pleroma", "Pleroma.Upload", expected.clone())]),
    )
    .await;
    assert_eq!(answer["configs"][0]["value"], expected);
    // Module keys: `db` names the key for a plain value.
    let answer = post_ok(
        &app,
        &token,
        json!([update(":pleroma", "Pleroma.Web.Plug", json!(":x"))]),
    )
    .await;
    assert_eq!(answer["configs"][0]["db"], json!(["Pleroma.Web.Plug"]));
}

async fn deleting(app: TestApp) {
    let token = admin(&app).await;
    let before = log(&app, &token).await.len();
    let instance = kw(&[
        ("name", json!("A")),
        ("description", json!("B")),
        ("email", json!("c@example.org")),
    ]);
    post_ok(
        &app,
        &token,
        json!([update(":pleroma", ":instance", instance.clone())]),
    )
    .await;
    // Some subkeys left: the item is answered with what remains.
    let answer = post_ok(
        &app,
        &token,
        json!([delete_subkeys(
            ":pleroma",
            ":instance",
            &[":name", ":email", ":not_there"]
        )]),
    )
    .await;
    assert_eq!(
        answer["configs"],
        json!([{"group": ":pleroma", "key": ":instance", "value": kw(&[("description", json!("B"))]),
                "db": [":description"]}])
    );
    assert_eq!(instance_title(&app).await, "steward");
    // The last subkey gone: the row is removed and the item left out.
    let answer = post_ok(
        &app,
        &token,
        json!([delete_subkeys(":pleroma", ":instance", &[":description"])]),
    )
    .await;
    assert_eq!(answer["configs"], json!([]));
    assert_eq!(only_db(&app, &token).await, json!([]));

    // Whole-row delete: the value falls back to the default layer.
    post_ok(
        &app,
        &token,
        json!([update(":pleroma", ":instance", instance)]),
    )
    .await;
    assert_eq!(instance_title(&app).await, "A");
    let answer = post_ok(
        &app,
        &token,
        json!([{"group": ":pleroma", "key": ":instance", "delete": "true"}]),
    )
    .await;
    assert_eq!(answer, json!({"configs": [], "need_reboot": false}));
    let configs = effective(&app, &token).await;
    let instance = find(&configs, ":pleroma", ":instance").unwrap();
    assert_eq!(kw_get(&instance["value"], "name"), Some(&json!("steward")));
    assert!(instance.get("db").is_none());
    assert_eq!(instance_title(&app).await, "steward");

    // Deleting a missing row is a no-op (and logs nothing).
    let logged = log(&app, &token).await.len();
    let answer = post_ok(
        &app,
        &token,
        json!([
            delete(":pleroma", ":instance"),
            delete_subkeys(":x", ":y", &[":z"])
        ]),
    )
    .await;
    assert_eq!(answer["configs"], json!([]));
    assert_eq!(log(&app, &token).await.len(), logged);
    assert_eq!(logged, before + 5);

    // Subkeys of a value that is not a keyword list: 400, and nothing of the request is stored.
    post_ok(
        &app,
        &token,
        json!([update(":pleroma", ":admin_token", json!("secret"))]),
    )
    .await;
    let (status, body) = post(
        &app,
        &token,
        json!([
            update(
                ":pleroma",
                ":instance",
                kw(&[("name", json!("Not stored"))])
            ),
            delete_subkeys(":pleroma", ":admin_token", &[":x"]),
        ]),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "configs[1]: subkeys need a keyword-list value"})
        )
    );
    assert_eq!(
        only_db(&app, &token).await,
        json!([{"group": ":pleroma", "key": ":admin_token", "value": "secret"}])
    );
    assert_eq!(instance_title(&app).await, "steward");
}

async fn documented_refusals_store_nothing(app: TestApp) {
    let token = admin(&app).await;
    let good = update(":pleroma", ":instance", kw(&[("name", json!("Stored?"))]));
    let cases = [
        (json!({"key": ":k", "value": 1}), "Missing field: group."),
        (json!({"group": ":g", "value": 1}), "Missing field: key."),
        (
            json!({"group": ":g", "key": ":k"}),
            "value or delete is required",
        ),
        (
            json!({"group": ":g", "key": ":k", "delete": false}),
            "value or delete is required",
        ),
        (
            json!({"group": ":g", "key": ":k", "value": null}),
            "value can't be blank",
        ),
        (
            json!({"group": ":g", "key": ":k", "value": ""}),
            "value can't be blank",
        ),
        (
            json!({"group": ":g", "key": ":k", "value": "~r/abc"}),
            "invalid regex ~r/abc",
        ),
        (
            json!({"group": ":g", "key": ":k", "value": [{"tuple": [":re", "~r/abc/z"]}]}),
            "invalid regex ~r/abc/z",
        ),
        (
            json!({"group": ":g", "key": ":k", "value": {"tuple": [":args", ["{implode"]]}}),
            "invalid tuple literal {implode",
        ),
        (
            json!({"group": 7, "key": ":k", "value": 1}),
            "group - Invalid string. Got: integer.",
        ),
        (
            json!({"group": ":g", "key": {"a": 1}, "value": 1}),
            "key - Invalid string. Got: object.",
        ),
        (
            json!({"group": ":g", "key": ":k", "delete": "perhaps"}),
            "delete - Invalid boolean. Got: string.",
        ),
        (
            json!({"group": ":g", "key": ":k", "delete": true, "subkeys": 5}),
            "subkeys - Invalid array. Got: integer.",
        ),
        (json!("not an item"), "Invalid object. Got: string."),
    ];
    for (bad, problem) in cases {
        let (status, body) = post(&app, &token, json!([good.clone(), bad.clone()])).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::BAD_REQUEST,
                json!({"error": format!("configs[1]: {problem}")})
            ),
            "{bad}"
        );
    }
    assert_eq!(only_db(&app, &token).await, json!([]));
    assert_eq!(log(&app, &token).await, Vec::<Value>::new());

    // Without `configs`, or with something else than a list.
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{P}/config"),
            Some(&token),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "Missing field: configs.");
    let (status, body) = post(&app, &token, json!("x")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "configs - Invalid array. Got: string.");
    let resp = app
        .client
        .post(app.url(&format!("{P}/config")))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"configs\": [")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        json!({"error": "Invalid JSON body."})
    );
    assert_eq!(only_db(&app, &token).await, json!([]));
}

async fn hostile_input(app: TestApp) {
    let token = admin(&app).await;
    let strange = [
        "'; DROP TABLE config; --",
        "\" OR 1=1 --",
        "Robert'); DELETE FROM accounts;--",
        "ünïcødé ✓ 🎉 中文",
        "<script>alert(1)</script>",
        "%_\\",
    ];
    for (i, text) in strange.iter().enumerate() {
        let key = format!(":{text}");
        let answer = post_ok(
            &app,
            &token,
            json!([update(text, &key, kw(&[("v", json!(text))]))]),
        )
        .await;
        assert_eq!(
            answer["configs"][0],
            json!({"group": text, "key": key, "value": kw(&[("v", json!(text))]), "db": [":v"]}),
            "{i}"
        );
    }
    let stored = only_db(&app, &token).await;
    assert_eq!(stored.as_array().unwrap().len(), strange.len());
    // Accounts still exist.
    let (status, _) = app.get(&format!("{P}/users"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);

    // A NUL character cannot be stored in a group or key; inside a value it is JSON-escaped.
    let (status, body) = post(&app, &token, json!([update(":g\u{0}", ":k", json!(1))])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"],
        "configs[0]: group - Invalid string. Got: string with a NUL character."
    );
    let answer = post_ok(
        &app,
        &token,
        json!([update(":g", ":nul", json!("a\u{0}b"))]),
    )
    .await;
    assert_eq!(answer["configs"][0]["value"], json!("a\u{0}b"));

    // Numbers beyond 64 bits are refused, deep and long values are fine.
    let (status, body) = post(
        &app,
        &token,
        json!([update(":g", ":big", json!(18446744073709551615u64))]),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "configs[0]: integer out of range 18446744073709551615"})
        )
    );
    let nested = |depth: usize| {
        let mut deep = json!("bottom");
        for _ in 0..depth {
            deep = json!([{"tuple": [":k", deep]}]);
        }
        deep
    };
    post_ok(&app, &token, json!([update(":g", ":deep", nested(30))])).await;
    // Deeper than JSON parsing allows (128 levels): the generic malformed-body answer.
    let (status, body) = post(&app, &token, json!([update(":g", ":deeper", nested(60))])).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "Invalid JSON body."})
        )
    );
    let long = "x".repeat(200_000);
    let answer = post_ok(&app, &token, json!([update(":g", ":long", json!(long))])).await;
    assert_eq!(
        answer["configs"][0]["value"].as_str().map(str::len),
        Some(200_000)
    );

    // A form body with bracketed items.
    let resp = app
        .client
        .post(app.url(&format!("{P}/config")))
        .bearer_auth(&token)
        .form(&[
            ("configs[0][group]", ":pleroma"),
            ("configs[0][key]", ":form_key"),
            ("configs[0][value]", " :from_form "),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["configs"],
        json!([{"group": ":pleroma", "key": ":form_key", "value": ":from_form", "db": [":form_key"]}])
    );
}

async fn the_log_entry(app: TestApp) {
    let token = admin(&app).await;
    post_ok(
        &app,
        &token,
        json!([
            update(":pleroma", ":instance", kw(&[("name", json!("Logged"))])),
            update(":logger", ":console", kw(&[("level", json!(":debug"))])),
            delete(":pleroma", ":missing"),
            update(":pleroma", ":instance", kw(&[("description", json!("d"))])),
        ]),
    )
    .await;
    let entries = log(&app, &token).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0]["message"],
        "@root updated settings: :pleroma :instance, :logger :console"
    );
    let data = &entries[0]["data"];
    assert_eq!(data["action"], "config_update");
    assert_eq!(data["actor"]["nickname"], "root");
    assert_eq!(
        data["configs"],
        json!([{"group": ":pleroma", "key": ":instance"}, {"group": ":logger", "key": ":console"}])
    );
    // Values never reach the log.
    assert!(!entries[0].to_string().contains("Logged"));

    // Nothing changed, nothing logged.
    post_ok(
        &app,
        &token,
        json!([update(
            ":logger",
            ":console",
            kw(&[("level", json!(":debug"))])
        )]),
    )
    .await;
    post_ok(&app, &token, json!([])).await;
    assert_eq!(log(&app, &token).await.len(), 1);

    // Deletes are included, in request order.
    post_ok(
        &app,
        &token,
        json!([
            delete(":logger", ":console"),
            update(":pleroma", ":admin_token", json!("tok-123"))
        ]),
    )
    .await;
    let entries = log(&app, &token).await;
    assert_eq!(
        entries[0]["message"],
        "@root updated settings: :logger :console, :pleroma :admin_token"
    );
    assert!(!entries[0].to_string().contains("tok-123"));

    // The admin token acts as "(admin token)".
    let resp = app
        .client
        .post(app.url(&format!("{P}/config")))
        .header("x-admin-token", "tok-123")
        .json(&json!({"configs": [update(":pleroma", ":via_token", json!(1))]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        log(&app, &token).await[0]["message"],
        "(admin token) updated settings: :pleroma :via_token"
    );
}

async fn database_configuration_disabled(app: TestApp) {
    let app = common::spawn_with_config_file(
        app.backend,
        Some(json!({
            "configurable_from_database": false,
            "configs": [update(":pleroma", ":instance", kw(&[("name", json!("From file"))]))],
        })),
    )
    .await;
    let token = admin(&app).await;
    for (method, path, body) in [
        (Method::GET, format!("{P}/config"), None),
        (Method::GET, format!("{P1}/config?only_db=true"), None),
        (
            Method::POST,
            format!("{P}/config"),
            Some(json!({"configs": [update(":pleroma", ":k", json!(1))]})),
        ),
        (Method::GET, format!("{P1}/restart"), None),
        (Method::GET, format!("{P}/config/migrate_to_db"), None),
        (Method::GET, format!("{P1}/config/migrate_from_db"), None),
    ] {
        let (status, answer) = app.call(method, &path, Some(&token), body).await;
        assert_eq!(
            (status, answer),
            (StatusCode::BAD_REQUEST, json!({"error": DISABLED})),
            "{path}"
        );
    }
    assert!(!need_reboot(&app, &token).await);
    let (status, body) = app
        .get(&format!("{P}/config/descriptions"), Some(&token))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_array());
    // The file applies; database rows do not.
    assert_eq!(instance_title(&app).await, "From file");
    app.set_config(
        ":pleroma",
        ":instance",
        kw(&[("name", json!("From database"))]),
    )
    .await;
    assert_eq!(instance_title(&app).await, "From file");
    // Still nothing was logged or stored by the refused calls.
    assert_eq!(log(&app, &token).await, Vec::<Value>::new());
}

async fn whitelist(app: TestApp) {
    let app = common::spawn_with_config_file(
        app.backend,
        Some(json!({"database_config_whitelist": [[":pleroma", ":instance"], [":esshd"]]})),
    )
    .await;
    let token = admin(&app).await;
    post_ok(
        &app,
        &token,
        json!([
            update(":pleroma", ":instance", kw(&[("name", json!("Listed"))])),
            update(":esshd", ":enabled", json!(false)),
        ]),
    )
    .await;
    for item in [
        update(":pleroma", ":auth", kw(&[("x", json!(1))])),
        delete(":pleroma", ":auth"),
        update(":logger", ":console", json!(1)),
    ] {
        let (status, body) = post(
            &app,
            &token,
            json!([update(":esshd", ":port", json!(2222)), item]),
        )
        .await;
        assert_eq!(
            (status, body),
            (
                StatusCode::BAD_REQUEST,
                json!({"error": "configs[1]: not allowed by database_config_whitelist"})
            )
        );
    }
    assert_eq!(only_db(&app, &token).await.as_array().unwrap().len(), 2);
    // GET /config is not filtered.
    let configs = effective(&app, &token).await;
    assert!(find(&configs, ":pleroma", ":auth").is_some());
    // Descriptions are.
    let (status, body) = app
        .get(&format!("{P}/config/descriptions"), Some(&token))
        .await;
    assert_eq!(status, StatusCode::OK);
    for entry in body.as_array().unwrap() {
        let allowed = entry["group"] == ":esshd"
            || (entry["group"] == ":pleroma" && entry["key"] == ":instance");
        assert!(allowed, "{}", entry["key"]);
    }
}

async fn need_reboot_and_restart(app: TestApp) {
    let token = admin(&app).await;
    assert!(!need_reboot(&app, &token).await);
    let answer = post_ok(
        &app,
        &token,
        json!([update(":pleroma", ":instance", kw(&[("name", json!("x"))]))]),
    )
    .await;
    assert_eq!(answer["need_reboot"], false);
    let answer = post_ok(
        &app,
        &token,
        json!([update(
            ":pleroma",
            ":instance",
            kw(&[("upload_limit", json!(1000))])
        )]),
    )
    .await;
    assert_eq!(answer["need_reboot"], true);
    assert!(need_reboot(&app, &token).await);
    let (_, dashboard) = app.get(&format!("{P}/dashboard"), Some(&token)).await;
    assert_eq!(dashboard["need_reboot"], true);
    restart(&app, &token).await;
    assert!(!need_reboot(&app, &token).await);
    // Once :upload_limit is stored, every :instance update raises the flag again.
    let answer = post_ok(
        &app,
        &token,
        json!([update(":pleroma", ":instance", kw(&[("name", json!("y"))]))]),
    )
    .await;
    assert_eq!(answer["need_reboot"], true);
    restart(&app, &token).await;
    // A deletion looks at the value before it.
    let answer = post_ok(&app, &token, json!([delete(":pleroma", ":instance")])).await;
    assert_eq!(answer["need_reboot"], true);
    restart(&app, &token).await;

    for item in [
        update(":other", ":rate_limit", json!(1)),
        update(
            ":pleroma",
            "Pleroma.Captcha",
            kw(&[("enabled", json!(false))]),
        ),
        update(":pleroma", ":gopher", kw(&[("port", json!(70))])),
        update(":pleroma", ":mrf", kw(&[("policies", json!([]))])),
    ] {
        let answer = post_ok(&app, &token, json!([item.clone()])).await;
        assert_eq!(answer["need_reboot"], false, "{item}");
    }
    let raising = [
        update(":pleroma", ":rate_limit", kw(&[("search", json!([]))])),
        update(":pleroma", "Oban", kw(&[("queues", json!([]))])),
        update(":pleroma", ":chat", kw(&[("enabled", json!(false))])),
        update(
            ":pleroma",
            "Pleroma.Upload",
            kw(&[("proxy_remote", json!(true))]),
        ),
        update(
            ":pleroma",
            "Pleroma.Captcha",
            kw(&[("seconds_valid", json!(60))]),
        ),
        update(":pleroma", ":gopher", kw(&[("enabled", json!(false))])),
    ];
    for item in raising {
        let answer = post_ok(&app, &token, json!([item.clone()])).await;
        assert_eq!(answer["need_reboot"], true, "{item}");
        restart(&app, &token).await;
    }
    // Deleting subkeys looks at the value before the deletion.
    let answer = post_ok(
        &app,
        &token,
        json!([delete_subkeys(
            ":pleroma",
            "Pleroma.Captcha",
            &[":seconds_valid"]
        )]),
    )
    .await;
    assert_eq!(answer["need_reboot"], true);
    assert_eq!(
        answer["configs"][0]["value"],
        kw(&[("enabled", json!(false))])
    );
    restart(&app, &token).await;
    assert!(!need_reboot(&app, &token).await);
}

fn basic(login: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{login}:{password}"))
    )
}

async fn failed_login(app: &TestApp) -> StatusCode {
    app.client
        .get(app.url(&format!("{P}/need_reboot")))
        .header("authorization", basic("root", "wrong"))
        .send()
        .await
        .unwrap()
        .status()
}

/// `:rate_limit` is a reboot-time setting: stored at once, in force after GET /restart.
async fn rate_limit_waits_for_restart(app: TestApp) {
    let token = admin(&app).await;
    post_ok(
        &app,
        &token,
        json!([update(
            ":pleroma",
            ":rate_limit",
            kw(&[("authentication", json!({"tuple": [60000, 2]}))])
        )]),
    )
    .await;
    for _ in 0..3 {
        assert_eq!(failed_login(&app).await, StatusCode::FORBIDDEN);
    }
    restart(&app, &token).await;
    assert_eq!(failed_login(&app).await, StatusCode::TOO_MANY_REQUESTS);
    // And back: without a limit nothing is throttled after the next restart.
    post_ok(
        &app,
        &token,
        json!([update(
            ":pleroma",
            ":rate_limit",
            kw(&[("authentication", json!(false))])
        )]),
    )
    .await;
    assert_eq!(failed_login(&app).await, StatusCode::TOO_MANY_REQUESTS);
    restart(&app, &token).await;
    assert_eq!(failed_login(&app).await, StatusCode::FORBIDDEN);
}

async fn migrate_endpoints(app: TestApp) {
    // Without a config file there is nothing to import.
    let token = admin(&app).await;
    let (status, body) = app
        .get(&format!("{P}/config/migrate_to_db"), Some(&token))
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    assert_eq!(only_db(&app, &token).await, json!([]));

    let app = common::spawn_with_config_file(
        app.backend,
        Some(json!({
            "database_config_whitelist": [[":pleroma"]],
            "configs": [
                update(":pleroma", ":instance", kw(&[("name", json!(" From file "))])),
                update(":logger", ":console", kw(&[("level", json!(":info"))])),
                update(":pleroma", ":key", kw(&[("a", json!(1))])),
            ],
        })),
    )
    .await;
    let token = admin(&app).await;
    post_ok(
        &app,
        &token,
        json!([update(":pleroma", ":key", kw(&[("b", json!(2))]))]),
    )
    .await;
    let (status, body) = app
        .get(&format!("{P1}/config/migrate_to_db"), Some(&token))
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    // The whitelist applies; the update rules merge with what is stored.
    assert_eq!(
        only_db(&app, &token).await,
        json!([
            {"group": ":pleroma", "key": ":key", "value": kw(&[("b", json!(2)), ("a", json!(1))])},
            {"group": ":pleroma", "key": ":instance", "value": kw(&[("name", json!("From file"))])},
        ])
    );
    assert_eq!(
        log(&app, &token).await[0]["message"],
        "@root updated settings: :pleroma :instance, :pleroma :key"
    );

    let (status, body) = app
        .get(&format!("{P}/config/migrate_from_db"), Some(&token))
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let exported: Value = serde_json::from_str(
        &std::fs::read_to_string(app.dir.join("config.exported_from_db.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        exported,
        json!({"configs": [
            {"group": ":pleroma", "key": ":key", "value": kw(&[("b", json!(2)), ("a", json!(1))])},
            {"group": ":pleroma", "key": ":instance", "value": kw(&[("name", json!("From file"))])},
        ]})
    );
    assert_eq!(only_db(&app, &token).await, json!([]));
    assert_eq!(
        log(&app, &token).await[0]["message"],
        "@root updated settings: :pleroma :key, :pleroma :instance"
    );
    // The file layer still gives the name.
    assert_eq!(instance_title(&app).await, "From file");
}

/// Registration closed and the instance name changed through POST /config take effect at once.
async fn live_settings(app: TestApp) {
    let token = admin(&app).await;
    let (id, secret) = app.app("read write").await;
    let (_, grant) = app
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &id),
                ("client_secret", &secret),
            ],
        )
        .await;
    let app_token = grant["access_token"].as_str().unwrap().to_string();
    let signup = |name: &str| {
        json!({"username": name, "password": "secret-pw", "email": format!("{name}@example.net"),
               "agreement": true})
    };
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&app_token),
            Some(signup("early")),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    assert_eq!(instance_title(&app).await, "steward");
    post_ok(
        &app,
        &token,
        json!([update(
            ":pleroma",
            ":instance",
            kw(&[
                ("registrations_open", json!(false)),
                ("name", json!("Live Name"))
            ])
        )]),
    )
    .await;
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&app_token),
            Some(signup("late")),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Registrations are closed"})
        )
    );
    assert_eq!(instance_title(&app).await, "Live Name");
    assert!(!need_reboot(&app, &token).await);

    post_ok(
        &app,
        &token,
        json!([delete_subkeys(
            ":pleroma",
            ":instance",
            &[":registrations_open"]
        )]),
    )
    .await;
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&app_token),
            Some(signup("later")),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(instance_title(&app).await, "Live Name");
}

/// Waits until `check` holds (another process learns of a change through a notification).
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within 5 s");
}

/// Two processes on one database: the reboot flag is shared (both backends); on PostgreSQL a
/// change through one process is live in the other.
async fn two_processes(app: TestApp) {
    let token = admin(&app).await;
    let other = app.sibling().await;
    post_ok(
        &app,
        &token,
        json!([update(
            ":pleroma",
            ":instance",
            kw(&[("upload_limit", json!(5000))])
        )]),
    )
    .await;
    assert!(need_reboot(&other, &token).await);
    restart(&other, &token).await;
    assert!(!need_reboot(&app, &token).await);

    if app.backend != Backend::Postgres {
        return;
    }
    // Both caches are warm.
    assert_eq!(instance_title(&other).await, "steward");
    assert_eq!(instance_title(&app).await, "steward");
    post_ok(
        &app,
        &token,
        json!([update(
            ":pleroma",
            ":instance",
            kw(&[("name", json!("Across"))])
        )]),
    )
    .await;
    assert_eq!(instance_title(&app).await, "Across");
    eventually("the sibling sees the new name", || async {
        instance_title(&other).await == "Across"
    })
    .await;
    // And the other way round, with a setting that gates a request.
    let (status, _) = other
        .call(
            Method::POST,
            &format!("{P}/config"),
            Some(&token),
            Some(json!({"configs": [delete(":pleroma", ":instance")]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(instance_title(&other).await, "steward");
    eventually("the first process sees the deletion", || async {
        instance_title(&app).await == "steward"
    })
    .await;
}

backend_tests!(
    every_route_checks_access,
    defaults_and_database_layers,
    merging_and_updating,
    values_convert_both_ways,
    deleting,
    documented_refusals_store_nothing,
    hostile_input,
    the_log_entry,
    database_configuration_disabled,
    whitelist,
    need_reboot_and_restart,
    rate_limit_waits_for_restart,
    migrate_endpoints,
    live_settings,
    two_processes,
);
