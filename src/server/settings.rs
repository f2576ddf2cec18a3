//! The settings steward honours (config.md §8), read from the layers of config.md §1:
//! built-in defaults, then the optional config file, then the database's config store.
//!
//! A server does not call [`Settings::load`] per request: `AppState::settings()` serves them from
//! the per-process cache of [`crate::server::settings_cache`], which also keeps the reboot-time
//! settings (config.md §7) at the values in force since the last start or `GET /restart`.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sqlx::AnyPool;

use crate::error::AppError;
use crate::model::config::ConfigValue;
use crate::server::auth::privileges::Privilege;
use crate::server::db::config::{self as config_db, ConfigRow};

/// File-level switches and stored settings (`STEWARD_CONFIG_FILE`).
#[derive(Debug, Clone)]
pub struct FileConfig {
    pub path: PathBuf,
    pub configurable_from_database: bool,
    /// `None` = everything allowed.
    pub database_config_whitelist: Option<Vec<Vec<String>>>,
    /// `(group, key, value)` in file order.
    pub configs: Vec<(String, String, Value)>,
}

impl FileConfig {
    /// Reads the file if it exists; a missing file means defaults. A malformed file is an error.
    pub fn load(path: &Path) -> Result<FileConfig, AppError> {
        let mut config = FileConfig {
            path: path.to_path_buf(),
            configurable_from_database: true,
            database_config_whitelist: None,
            configs: Vec::new(),
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(config),
            Err(e) => {
                return Err(AppError::Unavailable(format!(
                    "Could not read {}: {e}",
                    path.display()
                )))
            }
        };
        let json: Value = serde_json::from_str(&text).map_err(|e| {
            AppError::Unavailable(format!("Invalid config file {}: {e}", path.display()))
        })?;
        if let Some(flag) = json
            .get("configurable_from_database")
            .and_then(Value::as_bool)
        {
            config.configurable_from_database = flag;
        }
        if let Some(list) = json
            .get("database_config_whitelist")
            .and_then(Value::as_array)
        {
            config.database_config_whitelist = Some(
                list.iter()
                    .filter_map(Value::as_array)
                    .map(|entry| {
                        entry
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .collect(),
            );
        }
        if let Some(items) = json.get("configs").and_then(Value::as_array) {
            for (index, item) in items.iter().enumerate() {
                let (Some(group), Some(key), Some(value)) = (
                    item.get("group").and_then(Value::as_str),
                    item.get("key").and_then(Value::as_str),
                    item.get("value"),
                ) else {
                    continue;
                };
                // Values are kept in their §3 JSON form, like database rows; one that does not
                // convert makes the file invalid (as POST /config would refuse it).
                let value = ConfigValue::from_json(value).map_err(|e| {
                    AppError::Unavailable(format!(
                        "Invalid config file {}: configs[{index}]: {e}",
                        path.display()
                    ))
                })?;
                config
                    .configs
                    .push((group.to_string(), key.to_string(), value.to_json()));
            }
        }
        Ok(config)
    }
}

/// How mail leaves steward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailAdapter {
    /// `Swoosh.Adapters.Local`: one `.eml` file per message in the mailbox folder.
    Local,
    /// `Swoosh.Adapters.SMTP`.
    Smtp,
    /// Any other adapter: the mailer counts as disabled.
    Unsupported(String),
}

/// `:always`, `:if_available` or `:never` (the SMTP adapter's `tls` and `auth` options).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpPolicy {
    Always,
    IfAvailable,
    Never,
}

/// The SMTP options of `Pleroma.Emails.Mailer`, used when the adapter is `Swoosh.Adapters.SMTP`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub relay: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Implicit TLS from the first byte (usually port 465) instead of STARTTLS.
    pub ssl: bool,
    pub tls: SmtpPolicy,
    pub auth: SmtpPolicy,
}

impl Default for SmtpSettings {
    /// gen_smtp's defaults, which Swoosh's SMTP adapter inherits: STARTTLS and AUTH when offered.
    fn default() -> Self {
        SmtpSettings {
            relay: String::new(),
            port: 587,
            username: None,
            password: None,
            ssl: false,
            tls: SmtpPolicy::IfAvailable,
            auth: SmtpPolicy::IfAvailable,
        }
    }
}

impl SmtpSettings {
    fn apply(&mut self, value: &Value) {
        let text = |v: &Value| v.as_str().map(str::to_string).filter(|s| !s.is_empty());
        let policy = |v: &Value| match v.as_str().map(|s| s.trim_start_matches(':')) {
            Some("always") => Some(SmtpPolicy::Always),
            Some("if_available") => Some(SmtpPolicy::IfAvailable),
            Some("never") => Some(SmtpPolicy::Never),
            _ => None,
        };
        for (key, v) in keyword_entries(value) {
            match key {
                ":relay" => self.relay = text(v).unwrap_or_default(),
                ":port" => {
                    let port = v
                        .as_i64()
                        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
                    if let Some(port) = port.and_then(|p| u16::try_from(p).ok()) {
                        self.port = port;
                    }
                }
                ":username" => self.username = text(v),
                ":password" => self.password = text(v),
                ":ssl" => set_bool(&mut self.ssl, v),
                ":tls" => self.tls = policy(v).unwrap_or(self.tls),
                ":auth" => self.auth = policy(v).unwrap_or(self.auth),
                _ => {}
            }
        }
    }
}

/// `:media_proxy` and `Pleroma.Web.MediaProxy.Invalidation.Http` (operations.md §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaProxySettings {
    /// `[:media_proxy, :enabled]`: remote media URLs in responses go through `/proxy/…`.
    pub enabled: bool,
    /// `[:media_proxy, :base_url]` without a trailing slash; `None` = this instance's URL.
    pub base_url: Option<String>,
    /// `[:media_proxy, :invalidation, :enabled]`.
    pub invalidation_enabled: bool,
    /// `[:media_proxy, :invalidation, :provider]` (a module name), if set.
    pub invalidation_provider: Option<String>,
    /// `Invalidation.Http` `:method`, upper-cased (`PURGE` by default).
    pub http_method: String,
    /// `Invalidation.Http` `:headers`, as `(name, value)` pairs.
    pub http_headers: Vec<(String, String)>,
    /// `Invalidation.Http` `[:options, :params]`: query parameters added to each request.
    pub http_params: Vec<(String, String)>,
}

/// The invalidation provider steward implements.
pub const HTTP_INVALIDATION: &str = "Pleroma.Web.MediaProxy.Invalidation.Http";

impl Default for MediaProxySettings {
    fn default() -> Self {
        MediaProxySettings {
            enabled: false,
            base_url: None,
            invalidation_enabled: false,
            invalidation_provider: None,
            http_method: "PURGE".into(),
            http_headers: Vec::new(),
            http_params: Vec::new(),
        }
    }
}

impl MediaProxySettings {
    fn apply_proxy(&mut self, value: &Value) {
        for (key, v) in keyword_entries(value) {
            match key {
                ":enabled" => set_bool(&mut self.enabled, v),
                ":base_url" => {
                    self.base_url = v
                        .as_str()
                        .map(|s| s.trim().trim_end_matches('/').to_string())
                        .filter(|s| !s.is_empty());
                }
                ":invalidation" => {
                    for (sub, v) in keyword_entries(v) {
                        match sub {
                            ":enabled" => set_bool(&mut self.invalidation_enabled, v),
                            ":provider" => {
                                self.invalidation_provider = v
                                    .as_str()
                                    .map(|s| s.trim().to_string())
                                    .filter(|s| !s.is_empty());
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn apply_http(&mut self, value: &Value) {
        for (key, v) in keyword_entries(value) {
            match key {
                ":method" => {
                    if let Some(method) = v.as_str() {
                        let method = method.trim().trim_start_matches(':').to_ascii_uppercase();
                        if !method.is_empty() {
                            self.http_method = method;
                        }
                    }
                }
                ":headers" => self.http_headers = string_pairs(v),
                ":options" => {
                    self.http_params = keyword_get(v, ":params")
                        .map(string_pairs)
                        .unwrap_or_default();
                }
                _ => {}
            }
        }
    }

    /// Whether a purge should ask the cache in front of the proxy to drop the URLs.
    pub fn http_invalidation(&self) -> bool {
        self.invalidation_enabled
            && self.invalidation_provider.as_deref() == Some(HTTP_INVALIDATION)
    }
}

/// `(name, value)` pairs of a keyword list or map whose values are strings or numbers:
/// `[{"tuple": ["x-refresh", "1"]}]`, `{"a": "1"}` or `[["a", "1"]]`.
fn string_pairs(value: &Value) -> Vec<(String, String)> {
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let pair = |k: &Value, v: &Value| {
        let name = k.as_str()?.trim_start_matches(':').to_string();
        Some((name, scalar(v)?))
    };
    match value {
        Value::Object(map) => map
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), scalar(v)?)))
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| {
                let tuple = match item {
                    Value::Object(map) => map.get("tuple")?.as_array()?,
                    Value::Array(items) => items,
                    _ => return None,
                };
                match tuple.as_slice() {
                    [k, v] => pair(k, v),
                    _ => None,
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Effective values of every setting steward acts on.
#[derive(Debug, Clone)]
pub struct Settings {
    pub name: String,
    pub description: String,
    pub email: String,
    pub notify_email: String,
    pub limit: i64,
    pub max_report_comment_size: i64,
    pub registrations_open: bool,
    pub invites_enabled: bool,
    pub account_activation_required: bool,
    pub account_approval_required: bool,
    pub user_bio_length: i64,
    pub user_name_length: i64,
    pub max_account_fields: i64,
    pub account_field_name_length: i64,
    pub account_field_value_length: i64,
    pub password_reset_token_validity: i64,
    pub admin_privileges: Vec<Privilege>,
    pub moderator_privileges: Vec<Privilege>,
    pub federating: bool,
    pub static_dir: String,
    pub upload_limit: i64,
    pub enforce_oauth_admin_scope_usage: bool,
    pub admin_token: Option<String>,
    pub mailer_enabled_flag: bool,
    pub mail_adapter: MailAdapter,
    pub smtp: SmtpSettings,
    pub token_expires_in: i64,
    /// `(window ms, allowed failures)` of the `authentication` limiter.
    pub auth_rate_limit: Option<(i64, i64)>,
    pub restricted_nicknames: Vec<String>,
    pub mrf_policies: Vec<String>,
    pub media_proxy: MediaProxySettings,
}

/// Nicknames nobody may register (users.md §1.3).
pub const DEFAULT_RESTRICTED_NICKNAMES: &[&str] = &[
    ".well-known",
    "~",
    "about",
    "activities",
    "api",
    "auth",
    "check_password",
    "dev",
    "friend-requests",
    "inbox",
    "internal",
    "main",
    "media",
    "nodeinfo",
    "notice",
    "oauth",
    "objects",
    "ostatus_subscribe",
    "pleroma",
    "proxy",
    "push",
    "registration",
    "relay",
    "settings",
    "status",
    "tag",
    "user-search",
    "user_exists",
    "users",
    "web",
    "verify_credentials",
    "update_credentials",
    "relationships",
    "search",
    "confirmation_resend",
    "mfa",
];

impl Default for Settings {
    fn default() -> Self {
        Settings {
            name: "steward".into(),
            description: String::new(),
            email: String::new(),
            notify_email: String::new(),
            limit: 5000,
            max_report_comment_size: 1000,
            registrations_open: true,
            invites_enabled: false,
            account_activation_required: false,
            account_approval_required: false,
            user_bio_length: 5000,
            user_name_length: 100,
            max_account_fields: 10,
            account_field_name_length: 512,
            account_field_value_length: 2048,
            password_reset_token_validity: 86_400,
            admin_privileges: Privilege::ALL.to_vec(),
            moderator_privileges: Privilege::MODERATOR_DEFAULT.to_vec(),
            federating: true,
            static_dir: "./data/static".into(),
            upload_limit: 16_000_000,
            enforce_oauth_admin_scope_usage: true,
            admin_token: None,
            mailer_enabled_flag: true,
            mail_adapter: MailAdapter::Local,
            smtp: SmtpSettings::default(),
            token_expires_in: 3_153_600_000,
            auth_rate_limit: Some((60_000, 15)),
            restricted_nicknames: DEFAULT_RESTRICTED_NICKNAMES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            mrf_policies: Vec::new(),
            media_proxy: MediaProxySettings::default(),
        }
    }
}

/// steward's built-in defaults of the settings of config.md §8 in config-store JSON form, in this
/// order: the first layer of `GET /config` (the config file's `configs` go over it, then the
/// database). Applying them to any [`Settings`] gives [`Settings::default`] back (except the
/// admin token, which is unset by default).
pub fn default_configs() -> Vec<(String, String, Value)> {
    let d = Settings::default();
    let keyword = |pairs: Vec<(&str, Value)>| {
        Value::Array(
            pairs
                .into_iter()
                .map(|(k, v)| json!({"tuple": [format!(":{k}"), v]}))
                .collect(),
        )
    };
    let atoms = |privileges: &[Privilege]| {
        privileges
            .iter()
            .map(|p| format!(":{}", p.name()))
            .collect::<Vec<_>>()
    };
    let (ms, count) = d.auth_rate_limit.unwrap_or((60_000, 15));
    let items = [
        (
            ":instance",
            keyword(vec![
                ("name", json!(d.name)),
                ("description", json!(d.description)),
                ("email", json!(d.email)),
                ("notify_email", json!(d.notify_email)),
                ("limit", json!(d.limit)),
                ("max_report_comment_size", json!(d.max_report_comment_size)),
                ("registrations_open", json!(d.registrations_open)),
                ("invites_enabled", json!(d.invites_enabled)),
                (
                    "account_activation_required",
                    json!(d.account_activation_required),
                ),
                (
                    "account_approval_required",
                    json!(d.account_approval_required),
                ),
                ("user_bio_length", json!(d.user_bio_length)),
                ("user_name_length", json!(d.user_name_length)),
                ("max_account_fields", json!(d.max_account_fields)),
                (
                    "account_field_name_length",
                    json!(d.account_field_name_length),
                ),
                (
                    "account_field_value_length",
                    json!(d.account_field_value_length),
                ),
                (
                    "password_reset_token_validity",
                    json!(d.password_reset_token_validity),
                ),
                ("admin_privileges", json!(atoms(&d.admin_privileges))),
                (
                    "moderator_privileges",
                    json!(atoms(&d.moderator_privileges)),
                ),
                ("federating", json!(d.federating)),
                ("static_dir", json!(d.static_dir)),
                ("upload_limit", json!(d.upload_limit)),
            ]),
        ),
        (
            ":auth",
            keyword(vec![(
                "enforce_oauth_admin_scope_usage",
                json!(d.enforce_oauth_admin_scope_usage),
            )]),
        ),
        (
            "Pleroma.Emails.Mailer",
            keyword(vec![
                ("enabled", json!(d.mailer_enabled_flag)),
                ("adapter", json!("Swoosh.Adapters.Local")),
            ]),
        ),
        (":mrf", keyword(vec![("policies", json!(d.mrf_policies))])),
        (
            ":media_proxy",
            keyword(vec![
                ("enabled", json!(false)),
                ("invalidation", keyword(vec![("enabled", json!(false))])),
            ]),
        ),
        (
            "Pleroma.Web.MediaProxy.Invalidation.Http",
            keyword(vec![
                ("method", json!(":purge")),
                ("headers", json!([])),
                ("options", json!([])),
            ]),
        ),
        (
            ":oauth2",
            keyword(vec![("token_expires_in", json!(d.token_expires_in))]),
        ),
        (
            ":rate_limit",
            keyword(vec![("authentication", json!({"tuple": [ms, count]}))]),
        ),
        (
            "Pleroma.User",
            keyword(vec![(
                "restricted_nicknames",
                json!(d.restricted_nicknames),
            )]),
        ),
    ];
    items
        .into_iter()
        .map(|(key, value)| (":pleroma".to_string(), key.to_string(), value))
        .collect()
}

impl Settings {
    /// Defaults, then the file's `configs`, then the database rows (when database configuration is
    /// on), all read now. Reboot-time settings are the live values here; the server's settings
    /// come from [`crate::server::settings_cache`], which keeps the reboot-time values in force.
    pub async fn load(pool: &AnyPool, file: &FileConfig) -> Result<Settings, AppError> {
        let rows = if file.configurable_from_database {
            config_db::all(pool).await?
        } else {
            Vec::new()
        };
        Ok(Settings::layered(file, &rows))
    }

    /// Defaults, then the file's `configs`, then `rows` (ignored when database configuration is
    /// off). Applying an item sets the subkeys it holds and keeps the others, which is the keyword
    /// merge of config.md §5 for every setting steward reads.
    pub fn layered(file: &FileConfig, rows: &[ConfigRow]) -> Settings {
        let mut settings = Settings::default();
        for (group, key, value) in &file.configs {
            settings.apply(group, key, value);
        }
        if file.configurable_from_database {
            for row in rows {
                settings.apply(&row.group, &row.key, &row.value);
            }
        }
        settings
    }

    /// Whether mail can be sent: enabled, with an adapter steward supports.
    pub fn mailer_enabled(&self) -> bool {
        self.mailer_enabled_flag && !matches!(self.mail_adapter, MailAdapter::Unsupported(_))
    }

    /// Applies one stored item (JSON form of config.md §3). Unknown items are ignored here: they are
    /// stored and returned by the config store but have no effect.
    pub fn apply(&mut self, group: &str, key: &str, value: &Value) {
        if group != ":pleroma" {
            return;
        }
        match key {
            ":instance" => {
                for (sub, v) in keyword_entries(value) {
                    self.apply_instance(sub, v);
                }
            }
            ":auth" => {
                if let Some(v) =
                    keyword_get(value, ":enforce_oauth_admin_scope_usage").and_then(Value::as_bool)
                {
                    self.enforce_oauth_admin_scope_usage = v;
                }
            }
            ":admin_token" => {
                self.admin_token = value
                    .as_str()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string);
            }
            "Pleroma.Emails.Mailer" => {
                if let Some(v) = keyword_get(value, ":enabled").and_then(Value::as_bool) {
                    self.mailer_enabled_flag = v;
                }
                if let Some(adapter) = keyword_get(value, ":adapter").and_then(Value::as_str) {
                    self.mail_adapter = match adapter {
                        "Swoosh.Adapters.Local" => MailAdapter::Local,
                        "Swoosh.Adapters.SMTP" => MailAdapter::Smtp,
                        other => MailAdapter::Unsupported(other.to_string()),
                    };
                }
                self.smtp.apply(value);
            }
            ":oauth2" => {
                if let Some(v) = keyword_get(value, ":token_expires_in").and_then(Value::as_i64) {
                    self.token_expires_in = v.max(1);
                }
            }
            ":rate_limit" => {
                if let Some(v) = keyword_get(value, ":authentication") {
                    self.auth_rate_limit = parse_limit(v);
                }
            }
            "Pleroma.User" => {
                if let Some(list) =
                    keyword_get(value, ":restricted_nicknames").and_then(Value::as_array)
                {
                    self.restricted_nicknames = list
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect();
                }
            }
            ":media_proxy" => self.media_proxy.apply_proxy(value),
            HTTP_INVALIDATION => self.media_proxy.apply_http(value),
            ":mrf" => {
                if let Some(list) = keyword_get(value, ":policies") {
                    self.mrf_policies = match list {
                        Value::Array(items) => items
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect(),
                        Value::String(s) => vec![s.clone()],
                        _ => Vec::new(),
                    };
                }
            }
            _ => {}
        }
    }

    fn apply_instance(&mut self, sub: &str, v: &Value) {
        let text = |v: &Value| v.as_str().map(str::to_string);
        match sub {
            ":name" => self.name = text(v).unwrap_or_default(),
            ":description" => self.description = text(v).unwrap_or_default(),
            ":email" => self.email = text(v).unwrap_or_default(),
            ":notify_email" => self.notify_email = text(v).unwrap_or_default(),
            ":static_dir" => self.static_dir = text(v).unwrap_or_else(|| "./data/static".into()),
            ":registrations_open" => set_bool(&mut self.registrations_open, v),
            ":invites_enabled" => set_bool(&mut self.invites_enabled, v),
            ":account_activation_required" => set_bool(&mut self.account_activation_required, v),
            ":account_approval_required" => set_bool(&mut self.account_approval_required, v),
            ":federating" => set_bool(&mut self.federating, v),
            ":limit" => set_int(&mut self.limit, v),
            ":max_report_comment_size" => set_int(&mut self.max_report_comment_size, v),
            ":user_bio_length" => set_int(&mut self.user_bio_length, v),
            ":user_name_length" => set_int(&mut self.user_name_length, v),
            ":max_account_fields" => set_int(&mut self.max_account_fields, v),
            ":account_field_name_length" => set_int(&mut self.account_field_name_length, v),
            ":account_field_value_length" => set_int(&mut self.account_field_value_length, v),
            ":password_reset_token_validity" => set_int(&mut self.password_reset_token_validity, v),
            ":upload_limit" => set_int(&mut self.upload_limit, v),
            ":admin_privileges" => self.admin_privileges = privileges(v),
            ":moderator_privileges" => self.moderator_privileges = privileges(v),
            _ => {}
        }
    }
}

fn set_bool(slot: &mut bool, v: &Value) {
    if let Some(b) = v.as_bool() {
        *slot = b;
    }
}

fn set_int(slot: &mut i64, v: &Value) {
    if let Some(i) = v.as_i64() {
        *slot = i;
    }
}

/// Privilege atoms (`":users_read"`); unknown names are ignored (auth.md §2).
fn privileges(v: &Value) -> Vec<Privilege> {
    v.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .filter_map(|s| Privilege::from_name(s.trim_start_matches(':')))
                .collect()
        })
        .unwrap_or_default()
}

/// `{"tuple": [60000, 15]}` or `[60000, 15]`; anything else (e.g. `false`) disables the limit.
fn parse_limit(v: &Value) -> Option<(i64, i64)> {
    let items = match v {
        Value::Object(map) => map.get("tuple")?.as_array()?,
        Value::Array(items) => items,
        _ => return None,
    };
    match items.as_slice() {
        // Two pairs (visitors, then logged-in users): failed password and admin-token checks come
        // from clients that are not logged in yet, so the visitors' pair is the one that applies.
        [first @ Value::Object(_), Value::Object(_)] => parse_limit(first),
        [ms, count] => Some((ms.as_i64()?, count.as_i64()?)),
        _ => None,
    }
}

/// The `(":key", value)` pairs of a keyword list in its JSON form `[{"tuple": [":key", value]}, ...]`.
pub fn keyword_entries(value: &Value) -> Vec<(&str, &Value)> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| {
                    let tuple = item.get("tuple")?.as_array()?;
                    match tuple.as_slice() {
                        [Value::String(k), v] => Some((k.as_str(), v)),
                        _ => None,
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The value of `key` in a keyword list (last occurrence wins).
pub fn keyword_get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    keyword_entries(value)
        .into_iter()
        .rev()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn instance_keyword_list_overrides_defaults() {
        let mut s = Settings::default();
        s.apply(
            ":pleroma",
            ":instance",
            &json!([{"tuple": [":name", "Fedi"]}, {"tuple": [":registrations_open", false]},
                    {"tuple": [":moderator_privileges", [":users_read", ":nonsense"]]}]),
        );
        assert_eq!(s.name, "Fedi");
        assert!(!s.registrations_open);
        assert_eq!(s.moderator_privileges, vec![Privilege::UsersRead]);
    }

    #[test]
    fn admin_token_and_scope_enforcement() {
        let mut s = Settings::default();
        s.apply(":pleroma", ":admin_token", &json!("secret"));
        s.apply(
            ":pleroma",
            ":auth",
            &json!([{"tuple": [":enforce_oauth_admin_scope_usage", false]}]),
        );
        assert_eq!(s.admin_token.as_deref(), Some("secret"));
        assert!(!s.enforce_oauth_admin_scope_usage);
        s.apply(":pleroma", ":admin_token", &json!(""));
        assert_eq!(s.admin_token, None);
    }

    #[test]
    fn unsupported_mail_adapter_disables_mailer() {
        let mut s = Settings::default();
        assert!(s.mailer_enabled());
        s.apply(
            ":pleroma",
            "Pleroma.Emails.Mailer",
            &json!([{"tuple": [":adapter", "Swoosh.Adapters.Sendgrid"]}]),
        );
        assert!(!s.mailer_enabled());
    }

    #[test]
    fn smtp_options() {
        let mut s = Settings::default();
        assert_eq!(s.smtp.port, 587);
        s.apply(
            ":pleroma",
            "Pleroma.Emails.Mailer",
            &json!([{"tuple": [":adapter", "Swoosh.Adapters.SMTP"]}, {"tuple": [":relay", "smtp.example"]},
                    {"tuple": [":port", "2525"]}, {"tuple": [":tls", ":never"]}, {"tuple": [":auth", ":always"]},
                    {"tuple": [":username", "u"]}, {"tuple": [":ssl", true]}]),
        );
        assert!(s.mailer_enabled());
        assert_eq!(s.mail_adapter, MailAdapter::Smtp);
        assert_eq!(s.smtp.relay, "smtp.example");
        assert_eq!(s.smtp.port, 2525);
        assert_eq!(s.smtp.tls, SmtpPolicy::Never);
        assert_eq!(s.smtp.auth, SmtpPolicy::Always);
        assert_eq!(s.smtp.username.as_deref(), Some("u"));
        assert!(s.smtp.ssl);
    }

    #[test]
    fn default_configs_are_the_defaults() {
        let mut s = Settings::default();
        s.apply(
            ":pleroma",
            "Pleroma.Emails.Mailer",
            &json!([{"tuple": [":enabled", false]}, {"tuple": [":adapter", "Swoosh.Adapters.SMTP"]}]),
        );
        s.name = "x".into();
        s.description = "x".into();
        s.email = "x".into();
        s.notify_email = "x".into();
        s.limit = 1;
        s.max_report_comment_size = 1;
        s.registrations_open = false;
        s.invites_enabled = true;
        s.account_activation_required = true;
        s.account_approval_required = true;
        s.user_bio_length = 1;
        s.user_name_length = 1;
        s.max_account_fields = 1;
        s.account_field_name_length = 1;
        s.account_field_value_length = 1;
        s.password_reset_token_validity = 1;
        s.admin_privileges = vec![];
        s.moderator_privileges = vec![];
        s.federating = false;
        s.static_dir = "x".into();
        s.upload_limit = 1;
        s.enforce_oauth_admin_scope_usage = false;
        s.token_expires_in = 1;
        s.auth_rate_limit = None;
        s.restricted_nicknames = vec![];
        s.mrf_policies = vec!["x".into()];
        s.media_proxy = MediaProxySettings {
            enabled: true,
            base_url: None,
            invalidation_enabled: true,
            invalidation_provider: None,
            http_method: "GET".into(),
            http_headers: vec![("a".into(), "b".into())],
            http_params: vec![("c".into(), "d".into())],
        };
        for (group, key, value) in default_configs() {
            // Defaults are in normal JSON form already.
            assert_eq!(
                ConfigValue::from_json(&value).map(|v| v.to_json()).ok(),
                Some(value.clone())
            );
            s.apply(&group, &key, &value);
        }
        // Everything but the SMTP options (not part of the defaults) is back to default.
        s.smtp = SmtpSettings::default();
        assert_eq!(format!("{s:?}"), format!("{:?}", Settings::default()));
    }

    #[test]
    fn media_proxy_settings() {
        let mut s = Settings::default();
        assert!(!s.media_proxy.enabled);
        s.apply(
            ":pleroma",
            ":media_proxy",
            &json!([{"tuple": [":enabled", true]}, {"tuple": [":base_url", "https://media.example/ "]},
                    {"tuple": [":invalidation", [{"tuple": [":enabled", true]},
                        {"tuple": [":provider", "Pleroma.Web.MediaProxy.Invalidation.Http"]}]]}]),
        );
        s.apply(
            ":pleroma",
            "Pleroma.Web.MediaProxy.Invalidation.Http",
            &json!([{"tuple": [":method", ":ban"]}, {"tuple": [":headers", [{"tuple": ["x-refresh", "1"]}]]},
                    {"tuple": [":options", [{"tuple": [":params", {"a": "b", "n": 2}]}]]}]),
        );
        let m = &s.media_proxy;
        assert!(m.enabled && m.http_invalidation());
        assert_eq!(m.base_url.as_deref(), Some("https://media.example"));
        assert_eq!(m.http_method, "BAN");
        assert_eq!(m.http_headers, vec![("x-refresh".into(), "1".into())]);
        assert_eq!(
            m.http_params,
            vec![("a".into(), "b".into()), ("n".into(), "2".into())]
        );
        // Only the keys sent change; the Script provider is not the HTTP one.
        s.apply(
            ":pleroma",
            ":media_proxy",
            &json!([{"tuple": [":invalidation", [{"tuple": [":provider", "Pleroma.Web.MediaProxy.Invalidation.Script"]}]]}]),
        );
        assert!(s.media_proxy.enabled && !s.media_proxy.http_invalidation());
    }

    #[test]
    fn rate_limit_tuple() {
        let mut s = Settings::default();
        s.apply(
            ":pleroma",
            ":rate_limit",
            &json!([{"tuple": [":authentication", {"tuple": [1000, 2]}]}]),
        );
        assert_eq!(s.auth_rate_limit, Some((1000, 2)));
        // The two-pair form (visitors, logged-in users) is a limit, not "off".
        s.apply(
            ":pleroma",
            ":rate_limit",
            &json!([{"tuple": [":authentication", [{"tuple": [2000, 3]}, {"tuple": [2000, 9]}]]}]),
        );
        assert_eq!(s.auth_rate_limit, Some((2000, 3)));
    }
}
