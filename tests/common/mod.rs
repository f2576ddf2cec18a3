//! Test harness: a real steward on port 0 with a fresh database, on SQLite always and on PostgreSQL
//! when `TEST_DATABASE_URL` names a server where tests may create databases.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

pub mod mailbox;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::Connection;
use steward::server::db::Backend;
use steward::server::service::{accounts, config};
use steward::server::state::AppState;
use steward::server::{Application, Config};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A running steward and an HTTP client for it.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub dir: PathBuf,
    pub backend: Backend,
    pub database_url: String,
}

impl Drop for TestApp {
    /// Removes the test's scratch folder (SQLite file, mailbox, media); the server task may still
    /// hold the file open, which Unix allows.
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs each named async test `fn(TestApp)` on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let app = $crate::common::spawn(steward::server::db::Backend::Sqlite).await;
                    super::$name(app).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(app) = $crate::common::spawn_postgres().await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}

fn scratch_dir() -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!(
        "steward-test-{}-{n}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn rand_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{nanos:x}")
}

/// A steward on PostgreSQL, or `None` (test skipped) when no server is configured. With
/// `STEWARD_REQUIRE_PG=1` a missing server fails the test instead (CI sets it).
pub async fn spawn_postgres() -> Option<TestApp> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(spawn(Backend::Postgres).await),
        _ => {
            assert!(
                std::env::var("STEWARD_REQUIRE_PG").is_err(),
                "STEWARD_REQUIRE_PG is set but TEST_DATABASE_URL is not"
            );
            eprintln!("skipping PostgreSQL variant: TEST_DATABASE_URL is not set");
            None
        }
    }
}

async fn postgres_url() -> String {
    sqlx::any::install_default_drivers();
    let admin = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
    let name = format!(
        "steward_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        rand_suffix()
    );
    let mut conn = sqlx::AnyConnection::connect(&admin)
        .await
        .expect("connect to TEST_DATABASE_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create database");
    let _ = conn.close().await;
    let (base, _) = admin.rsplit_once('/').expect("database URL has a path");
    format!("{base}/{name}")
}

/// Starts steward on a fresh database of `backend`.
pub async fn spawn(backend: Backend) -> TestApp {
    spawn_with_config_file(backend, None).await
}

/// Starts steward with `config_file` written to its `STEWARD_CONFIG_FILE` first.
pub async fn spawn_with_config_file(backend: Backend, config_file: Option<Value>) -> TestApp {
    let dir = scratch_dir();
    if let Some(content) = config_file {
        std::fs::write(dir.join("config.json"), content.to_string()).expect("write config file");
    }
    let database_url = match backend {
        Backend::Sqlite => format!("sqlite://{}/steward.db?mode=rwc", dir.display()),
        Backend::Postgres => postgres_url().await,
    };
    start(backend, dir, database_url).await
}

/// Starts steward in `dir` on an existing (or new) database.
async fn start(backend: Backend, dir: PathBuf, database_url: String) -> TestApp {
    let config = Config {
        database_url: database_url.clone(),
        addr: "127.0.0.1:0".into(),
        base_url: None,
        config_file: dir.join("config.json"),
        mailbox_dir: dir.join("mailbox"),
        media_dir: dir.join("media"),
    };
    let app = Application::build(config).await.expect("build app");
    let base = format!("http://{}", app.addr);
    let state = app.state.clone();
    tokio::spawn(async move {
        let _ = app.run().await;
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        base,
        client,
        state,
        dir,
        backend,
        database_url,
    }
}

/// What an authorization check expects of a route.
pub struct Expect<'a> {
    /// The base scope (e.g. `read:accounts`); the admin scope is `admin:` + this.
    pub scope: &'a str,
    /// The privilege a moderator needs, or `None` for admin-only routes.
    pub privilege: Option<&'a str>,
}

impl TestApp {
    /// Posts a panel form (`application/x-www-form-urlencoded`) with a session cookie; returns the
    /// status and the `Location` it answers with (empty when none).
    pub async fn panel_form(
        &self,
        path: &str,
        cookie: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let resp = self
            .client
            .post(self.url(path))
            .header("cookie", cookie)
            .form(fields)
            .send()
            .await
            .expect("post");
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        (resp.status(), location)
    }

    /// A server-rendered panel page (status and body) for a session cookie. Leptos 0.8's streaming
    /// SSR has a rare lost-wakeup race (leptos-rs/leptos#4851, #4698) that can leave a response
    /// unfinished under parallel load; a stalled render is cut after 20 s and the GET, which is
    /// safe to repeat, is tried again (twice at most) so the suite reports real failures instead
    /// of hanging. Each retry is printed.
    pub async fn panel_html(&self, path: &str, cookie: &str) -> (StatusCode, String) {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = self
                .client
                .get(self.url(path))
                .header("cookie", cookie)
                .timeout(std::time::Duration::from_secs(20))
                .send()
                .await;
            let result = match sent {
                Ok(resp) => {
                    let status = resp.status();
                    resp.text().await.map(|body| (status, body))
                }
                Err(e) => Err(e),
            };
            match result {
                Ok(answer) => return answer,
                Err(e) if e.is_timeout() && attempt < 3 => {
                    eprintln!("panel page {path} stalled (attempt {attempt}); retrying");
                }
                Err(e) => panic!("panel page {path}: {e}"),
            }
        }
    }

    /// A second steward process on the same database (PostgreSQL scale-out), with its own folder.
    pub async fn sibling(&self) -> TestApp {
        start(self.backend, scratch_dir(), self.database_url.clone()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request with an optional bearer token and JSON body; returns status and JSON.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let resp = self
            .client
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("request");
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Creates a local account through the service layer.
    pub async fn user(
        &self,
        nickname: &str,
        password: &str,
        admin: bool,
        moderator: bool,
    ) -> String {
        let settings = self.state.settings().await.expect("settings");
        accounts::create_local_user(
            &self.state.db,
            &self.state.site,
            &settings,
            &accounts::LocalUser {
                nickname: nickname.into(),
                email: format!("{nickname}@example.com"),
                password: password.into(),
                is_admin: admin,
                is_moderator: moderator,
            },
        )
        .await
        .expect("create user")
    }

    /// Runs SQL against the app's database (test setup only). SQL that touches the config store
    /// drops the cached settings of every process on the database, as a config write does.
    pub async fn sql(&self, sql: &str) {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&self.state.db.pool)
            .await
            .expect("sql");
        if sql.to_ascii_lowercase().contains("config") {
            config::settings_changed(&self.state)
                .await
                .expect("settings changed");
        }
    }

    /// Stores a config item the way `POST /config` will (JSON form of config.md §3).
    pub async fn set_config(&self, group: &str, key: &str, value: Value) {
        sqlx::query("DELETE FROM config WHERE config_group = $1 AND config_key = $2")
            .bind(group)
            .bind(key)
            .execute(&self.state.db.pool)
            .await
            .expect("delete config");
        sqlx::query("INSERT INTO config (config_group, config_key, value) VALUES ($1, $2, $3)")
            .bind(group)
            .bind(key)
            .bind(value.to_string())
            .execute(&self.state.db.pool)
            .await
            .expect("insert config");
        config::settings_changed(&self.state)
            .await
            .expect("settings changed");
    }

    /// Logs in to the panel; returns the `steward_session=…` cookie pair and the CSRF token.
    pub async fn panel_login(&self, nickname: &str, password: &str) -> (String, String) {
        let resp = self
            .client
            .post(self.url("/api/steward/session"))
            .json(&json!({"username": nickname, "password": password}))
            .send()
            .await
            .expect("login");
        assert_eq!(resp.status(), StatusCode::OK, "panel login of {nickname}");
        let cookie = resp.headers()["set-cookie"]
            .to_str()
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .to_string();
        let body: Value = resp.json().await.expect("json");
        (
            cookie,
            body["csrf_token"].as_str().unwrap_or_default().to_string(),
        )
    }

    /// Registers an app with `scopes` and returns `(client_id, client_secret)`.
    pub async fn app(&self, scopes: &str) -> (String, String) {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/apps",
                None,
                Some(json!({"client_name": "test", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": scopes})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (
            body["client_id"].as_str().unwrap_or_default().into(),
            body["client_secret"].as_str().unwrap_or_default().into(),
        )
    }

    /// A password-grant token for an existing account with `scopes`.
    pub async fn token(&self, nickname: &str, password: &str, scopes: &str) -> String {
        let (id, secret) = self.app(scopes).await;
        let (status, body) = self
            .post_form(
                "/oauth/token",
                &[
                    ("grant_type", "password"),
                    ("client_id", &id),
                    ("client_secret", &secret),
                    ("username", nickname),
                    ("password", password),
                    ("scope", scopes),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Checks one Admin API route against every kind of caller (auth.md §4): anonymous, a plain
    /// user, a moderator without the privilege, an admin whose token lacks the admin scope, and an
    /// admin. Returns the admin's response for further checks. The route must be safe to call twice.
    pub async fn assert_access(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        expect: Expect<'_>,
    ) -> (StatusCode, Value) {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let all = "read write follow push admin";
        let plain = format!("plain{n}");
        let moder = format!("moder{n}");
        let admin = format!("admin{n}");
        self.user(&plain, "pw-plain", false, false).await;
        self.user(&moder, "pw-moder", false, true).await;
        self.user(&admin, "pw-admin", true, false).await;

        let (status, resp) = self.call(method.clone(), path, None, body.clone()).await;
        assert_eq!(
            (status, resp),
            (
                StatusCode::FORBIDDEN,
                json!({"error": "Invalid credentials."})
            ),
            "anonymous {path}"
        );

        let token = self.token(&plain, "pw-plain", all).await;
        let (status, resp) = self
            .call(method.clone(), path, Some(&token), body.clone())
            .await;
        assert_eq!(
            (status, resp),
            (
                StatusCode::FORBIDDEN,
                json!({"error": "User is not an admin."})
            ),
            "plain user {path}"
        );

        // A moderator holding every privilege except the route's (none at all for admin-only routes).
        let others: Vec<Value> = [
            "users_read",
            "users_manage_invites",
            "users_manage_activation_state",
            "users_manage_tags",
            "users_manage_credentials",
            "users_delete",
            "messages_read",
            "messages_delete",
            "instances_delete",
            "reports_manage_reports",
            "moderation_log_read",
            "emoji_manage_emoji",
            "statistics_read",
        ]
        .iter()
        .filter(|p| expect.privilege != Some(**p))
        .map(|p| json!(format!(":{p}")))
        .collect();
        self.set_config(
            ":pleroma",
            ":instance",
            json!([{"tuple": [":moderator_privileges", others]}]),
        )
        .await;
        let token = self.token(&moder, "pw-moder", all).await;
        let (status, resp) = self
            .call(method.clone(), path, Some(&token), body.clone())
            .await;
        assert_eq!(
            (status, resp),
            (
                StatusCode::FORBIDDEN,
                json!({"error": "User is not an admin."})
            ),
            "moderator {path}"
        );
        if let Some(privilege) = expect.privilege {
            // With the privilege the moderator passes the access check.
            self.set_config(
                ":pleroma",
                ":instance",
                json!([{"tuple": [":moderator_privileges", [format!(":{privilege}")]]}]),
            )
            .await;
            let (status, resp) = self
                .call(method.clone(), path, Some(&token), body.clone())
                .await;
            assert_ne!(
                status,
                StatusCode::FORBIDDEN,
                "moderator with {privilege} on {path}: {resp}"
            );
        }
        self.sql("DELETE FROM config").await;

        let token = self.token(&admin, "pw-admin", "read write follow").await;
        let (status, resp) = self
            .call(method.clone(), path, Some(&token), body.clone())
            .await;
        let message = format!("Insufficient permissions: admin:{}.", expect.scope);
        assert_eq!(
            (status, resp),
            (StatusCode::FORBIDDEN, json!({"error": message})),
            "admin without admin scope {path}"
        );

        let token = self.token(&admin, "pw-admin", all).await;
        self.call(method, path, Some(&token), body).await
    }
}

/// The value of `key` in the query string of a redirect `location` (empty when absent).
#[allow(dead_code)] // not every test binary reads redirects
pub fn location_param(location: &str, key: &str) -> String {
    let search = location.split_once('?').map(|(_, s)| s).unwrap_or("");
    steward::model::query::parse_query(search)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap_or_default()
}
