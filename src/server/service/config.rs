//! The config store (config.md): the layered configuration (`GET /config`), updates and deletions
//! (`POST /config`), the reboot flag and `GET /restart`, descriptions, and the legacy migrate
//! endpoints (operations.md §7).
//!
//! Every write runs in one transaction that first takes the config store's lock
//! ([`config_db::lock`]), applies its items in order (later items see earlier results), raises the
//! reboot flag by the rules of config.md §7, writes its `config_update` log entry and sends the
//! cross-process notice ([`events::notify_config_changed`]); after the commit this process drops
//! its cached settings ([`crate::server::settings_cache`]), so the change is live from the next
//! request in every process.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::error::AppError;
use crate::model::config::description::DescriptionEntry;
use crate::model::config::merge::{overlay, remove_subkeys, Layered};
use crate::model::config::{
    db_keys, needs_reboot, update_value, whitelisted, ConfigChange, ConfigItem, ConfigLayers,
    ConfigValue, Configs, NeedReboot,
};
use crate::server::api::params::{kind_of, Params};
use crate::server::auth::{Actor, Caller, Requirement};
use crate::server::db::config::{self as config_db, ConfigRow};
use crate::server::db::Tx;
use crate::server::events;
use crate::server::service::modlog;
use crate::server::settings::{default_configs, FileConfig, Settings};
use crate::server::settings_cache::RebootSettings;
use crate::server::state::AppState;

/// `GET /config`, `/config/descriptions`, `/need_reboot` (auth.md §5).
pub const READ: Requirement = Requirement::admin(&["read"]);
/// `POST /config`, `GET /restart`, `/config/migrate_*` (auth.md §5).
pub const WRITE: Requirement = Requirement::admin(&["write"]);

/// The refusal while `configurable_from_database` is off (config.md §1).
pub const DISABLED: &str = "To use this endpoint you need to enable configuration from database.";

/// Where `migrate_from_db` writes, next to the config file.
pub const EXPORT_FILE: &str = "config.exported_from_db.json";

fn require_database_config(state: &AppState) -> Result<(), AppError> {
    if state.site.file_config.configurable_from_database {
        Ok(())
    } else {
        Err(AppError::bad_request(DISABLED))
    }
}

/// One validated item of a write, with its place in the request.
#[derive(Debug, Clone, PartialEq)]
enum Change {
    Update {
        index: usize,
        group: String,
        key: String,
        value: ConfigValue,
    },
    Delete {
        index: usize,
        group: String,
        key: String,
        subkeys: Option<Vec<String>>,
    },
}

/// What applying a list of changes did.
#[derive(Debug, Default)]
struct Applied {
    /// The response items, in request order.
    items: Vec<ConfigItem>,
    /// `{group, key}` of every item that changed what is stored, in request order, once each.
    changed: Vec<(String, String)>,
    /// Whether a §7 rule fired.
    reboot: bool,
}

impl Applied {
    fn mark_changed(&mut self, group: &str, key: &str) {
        if !self.changed.iter().any(|(g, k)| g == group && k == key) {
            self.changed.push((group.to_string(), key.to_string()));
        }
    }
}

/// The default layer (config.md §1): steward's built-in defaults, then the config file's `configs`
/// merged over them per §5, in that order.
pub fn default_layer(file: &FileConfig) -> Vec<Layered> {
    let mut layers = Vec::new();
    for (group, key, value) in default_configs() {
        overlay(
            &mut layers,
            &group,
            &key,
            ConfigValue::from_stored_json(&value),
        );
    }
    for (group, key, value) in &file.configs {
        overlay(
            &mut layers,
            group,
            key,
            ConfigValue::from_stored_json(value),
        );
    }
    layers
}

/// The default layer merged with the database rows (config.md §6 `GET /config`): default order
/// first, then database-only keys in creation order; `db` on every key with a row.
fn merged_items(file: &FileConfig, rows: &[ConfigRow]) -> Vec<ConfigItem> {
    let mut layers = default_layer(file);
    let mut stored: HashMap<(&str, &str), Vec<String>> = HashMap::new();
    for row in rows {
        let value = ConfigValue::from_stored_json(&row.value);
        stored.insert((&row.group, &row.key), db_keys(&row.key, &value));
        overlay(&mut layers, &row.group, &row.key, value);
    }
    layers
        .into_iter()
        .map(|layer| {
            let db = stored
                .get(&(layer.group.as_str(), layer.key.as_str()))
                .cloned()
                .unwrap_or_default();
            ConfigItem {
                value: layer.value.to_json(),
                group: layer.group,
                key: layer.key,
                db,
            }
        })
        .collect()
}

fn stored_item(row: &ConfigRow) -> ConfigItem {
    let value = ConfigValue::from_stored_json(&row.value);
    ConfigItem {
        group: row.group.clone(),
        key: row.key.clone(),
        db: db_keys(&row.key, &value),
        value: row.value.clone(),
    }
}

/// `GET /config` with its `only_db` parameter.
pub async fn list(state: &AppState, caller: &Caller, params: &Params) -> Result<Configs, AppError> {
    caller.authorize(&READ)?;
    require_database_config(state)?;
    let only_db = params.bool("only_db")?.unwrap_or(false);
    read_configs(state, only_db).await
}

/// `GET /config` for the panel: `only_db` = only the database rows, without `db`.
pub async fn list_configs(
    state: &AppState,
    caller: &Caller,
    only_db: bool,
) -> Result<Configs, AppError> {
    caller.authorize(&READ)?;
    require_database_config(state)?;
    read_configs(state, only_db).await
}

async fn read_configs(state: &AppState, only_db: bool) -> Result<Configs, AppError> {
    let rows = config_db::all(&state.db.pool).await?;
    let configs = if only_db {
        rows.into_iter()
            .map(|row| ConfigItem {
                group: row.group,
                key: row.key,
                value: row.value,
                db: Vec::new(),
            })
            .collect()
    } else {
        merged_items(&state.site.file_config, &rows)
    };
    Ok(Configs {
        configs,
        need_reboot: state.need_reboot().await?,
    })
}

/// Every layer on its own (steward extension for the panel, which shows where a setting comes
/// from). Works whatever `configurable_from_database` says; the database layer is empty then.
pub async fn layers(state: &AppState, caller: &Caller) -> Result<ConfigLayers, AppError> {
    caller.authorize(&READ)?;
    let file = &state.site.file_config;
    let item = |group: &str, key: &str, value: &Value| ConfigItem {
        group: group.to_string(),
        key: key.to_string(),
        value: value.clone(),
        db: Vec::new(),
    };
    let database = if file.configurable_from_database {
        config_db::all(&state.db.pool)
            .await?
            .iter()
            .map(stored_item)
            .collect()
    } else {
        Vec::new()
    };
    Ok(ConfigLayers {
        defaults: default_configs()
            .iter()
            .map(|(g, k, v)| item(g, k, v))
            .collect(),
        file: file.configs.iter().map(|(g, k, v)| item(g, k, v)).collect(),
        database,
        need_reboot: state.need_reboot().await?,
        configurable_from_database: file.configurable_from_database,
    })
}

/// `POST /config`: body `{"configs": [item…]}` (config.md §6).
pub async fn update(
    state: &AppState,
    caller: &Caller,
    params: &Params,
) -> Result<Configs, AppError> {
    let actor = caller.authorize(&WRITE)?;
    require_database_config(state)?;
    let items = configs_param(params)?;
    let whitelist = state.site.file_config.database_config_whitelist.as_deref();
    let changes = items
        .iter()
        .enumerate()
        .map(|(index, item)| validate(index, item, whitelist))
        .collect::<Result<Vec<_>, _>>()?;
    write_changes(state, &actor, &changes).await
}

/// `POST /config` for the panel, with typed items.
pub async fn update_changes(
    state: &AppState,
    caller: &Caller,
    changes: &[ConfigChange],
) -> Result<Configs, AppError> {
    let params = Params::from_value(json!({ "configs": changes }));
    update(state, caller, &params).await
}

/// The `configs` array; a form body's `configs[0][group]=…` arrives as an object with index keys.
fn configs_param(params: &Params) -> Result<Vec<Value>, AppError> {
    match params.raw("configs") {
        None => Err(AppError::missing("configs")),
        Some(Value::Array(items)) => Ok(items.clone()),
        Some(Value::Object(map)) if map.keys().all(|k| k.parse::<usize>().is_ok()) => {
            let mut entries: Vec<(usize, &Value)> = map
                .iter()
                .filter_map(|(k, v)| k.parse::<usize>().ok().map(|i| (i, v)))
                .collect();
            entries.sort_by_key(|(i, _)| *i);
            Ok(entries.into_iter().map(|(_, v)| v.clone()).collect())
        }
        Some(other) => Err(crate::server::api::params::wrong_type(
            "configs", "array", other,
        )),
    }
}

/// Checks one item (config.md §6 `POST /config`, problems in the documented order).
fn validate(
    index: usize,
    item: &Value,
    whitelist: Option<&[Vec<String>]>,
) -> Result<Change, AppError> {
    let problem = |text: String| AppError::bad_request(format!("configs[{index}]: {text}"));
    let Value::Object(map) = item else {
        return Err(problem(format!("Invalid object. Got: {}.", kind_of(item))));
    };
    let fields = Params::from_value(Value::Object(map.clone()));
    let name = |field: &str| -> Result<String, AppError> {
        match fields.string(field).map_err(|e| problem(e.message()))? {
            Some(text) if !text.is_empty() => Ok(text),
            _ => Err(problem(format!("Missing field: {field}."))),
        }
    };
    let group = name("group")?;
    let key = name("key")?;
    let delete = fields
        .bool("delete")
        .map_err(|e| problem(e.message()))?
        .unwrap_or(false);
    let allowed = whitelisted(whitelist, &group, Some(&key));
    if delete {
        let subkeys = fields
            .strings("subkeys")
            .map_err(|e| problem(e.message()))?;
        if !allowed {
            return Err(problem("not allowed by database_config_whitelist".into()));
        }
        return Ok(Change::Delete {
            index,
            group,
            key,
            subkeys,
        });
    }
    let Some(raw) = map.get("value") else {
        return Err(problem("value or delete is required".into()));
    };
    if raw.is_null() || raw.as_str().is_some_and(|s| s.trim().is_empty()) {
        return Err(problem("value can't be blank".into()));
    }
    if !allowed {
        return Err(problem("not allowed by database_config_whitelist".into()));
    }
    let value = ConfigValue::from_json(raw).map_err(|e| problem(e.to_string()))?;
    Ok(Change::Update {
        index,
        group,
        key,
        value,
    })
}

/// Applies `changes` in order inside `tx` (config.md §5 and §6).
async fn apply(tx: &mut Tx, changes: &[Change]) -> Result<Applied, AppError> {
    let mut applied = Applied::default();
    for change in changes {
        match change {
            Change::Update {
                group, key, value, ..
            } => {
                let old = config_db::find(tx, group, key).await?;
                let old_value = old
                    .as_ref()
                    .map(|r| ConfigValue::from_stored_json(&r.value));
                let new = update_value(group, key, old_value.as_ref(), value.clone());
                let json = new.to_json();
                if old.as_ref().map(|r| &r.value) != Some(&json) {
                    config_db::upsert(tx, group, key, &json).await?;
                    applied.mark_changed(group, key);
                }
                // As in Pleroma, every update is checked, changed or not.
                applied.reboot |= needs_reboot(group, key, Some(&new));
                applied.items.push(ConfigItem {
                    group: group.clone(),
                    key: key.clone(),
                    db: db_keys(key, &new),
                    value: json,
                });
            }
            Change::Delete {
                index,
                group,
                key,
                subkeys,
            } => {
                // Deleting a missing row is a no-op.
                let Some(old) = config_db::find(tx, group, key).await? else {
                    continue;
                };
                let old_value = ConfigValue::from_stored_json(&old.value);
                let remaining = match subkeys {
                    None => None,
                    Some(subkeys) => match remove_subkeys(&old_value, subkeys) {
                        Some(left) => Some(left),
                        None => {
                            return Err(AppError::bad_request(format!(
                                "configs[{index}]: subkeys need a keyword-list value"
                            )))
                        }
                    },
                };
                match remaining {
                    Some(left) if !matches!(&left, ConfigValue::List(items) if items.is_empty()) => {
                        let json = left.to_json();
                        if json != old.value {
                            config_db::upsert(tx, group, key, &json).await?;
                            applied.mark_changed(group, key);
                            applied.reboot |= needs_reboot(group, key, Some(&old_value));
                        }
                        applied.items.push(ConfigItem {
                            group: group.clone(),
                            key: key.clone(),
                            db: db_keys(key, &left),
                            value: json,
                        });
                    }
                    _ => {
                        config_db::delete(tx, group, key).await?;
                        applied.mark_changed(group, key);
                        applied.reboot |= needs_reboot(group, key, Some(&old_value));
                    }
                }
            }
        }
    }
    Ok(applied)
}

/// Writes `changes` in one transaction with the reboot flag, the log entry and the cross-process
/// notice; answers the response of `POST /config`.
async fn write_changes(
    state: &AppState,
    actor: &Actor,
    changes: &[Change],
) -> Result<Configs, AppError> {
    if changes.is_empty() {
        return Ok(Configs {
            configs: Vec::new(),
            need_reboot: state.need_reboot().await?,
        });
    }
    let mut tx = state.db.begin().await?;
    let flag = config_db::lock(&mut tx).await?;
    let applied = apply(&mut tx, changes).await?;
    if applied.reboot && !flag {
        config_db::raise_reboot_flag(&mut tx).await?;
    }
    let touched = !applied.changed.is_empty() || (applied.reboot && !flag);
    if !applied.changed.is_empty() {
        log_update(&mut tx, actor, &applied.changed).await?;
    }
    if touched {
        events::notify_config_changed(&state.db, &mut tx).await?;
    }
    tx.commit().await?;
    if touched {
        state.settings_cache.invalidate();
    }
    Ok(Configs {
        configs: applied.items,
        need_reboot: flag || applied.reboot,
    })
}

/// The `config_update` log entry (steward extension): which keys changed, never their values
/// (they may hold passwords and tokens).
async fn log_update(
    tx: &mut Tx,
    actor: &Actor,
    changed: &[(String, String)],
) -> Result<(), AppError> {
    let list = changed
        .iter()
        .map(|(g, k)| format!("{g} {k}"))
        .collect::<Vec<_>>()
        .join(", ");
    let configs: Vec<Value> = changed
        .iter()
        .map(|(g, k)| json!({"group": g, "key": k}))
        .collect();
    modlog::write(
        tx,
        actor,
        "config_update",
        json!({ "configs": configs }),
        &format!("{} updated settings: {list}", actor.mention()),
    )
    .await?;
    Ok(())
}

/// `GET /need_reboot`; works with database configuration disabled.
pub async fn need_reboot(state: &AppState, caller: &Caller) -> Result<NeedReboot, AppError> {
    caller.authorize(&READ)?;
    Ok(NeedReboot {
        need_reboot: state.need_reboot().await?,
    })
}

/// `GET /config/descriptions`: the descriptions allowed by the whitelist; works with database
/// configuration disabled.
pub async fn descriptions(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<DescriptionEntry>, AppError> {
    caller.authorize(&READ)?;
    Ok(crate::server::config::descriptions_for(
        &state.site.file_config,
    ))
}

/// `GET /restart`: applies the reboot-time settings in every process and clears the flag; 200 `{}`.
pub async fn restart(state: &AppState, caller: &Caller) -> Result<Value, AppError> {
    caller.authorize(&WRITE)?;
    require_database_config(state)?;
    apply_reboot_settings(state).await?;
    Ok(json!({}))
}

/// What a server start does (config.md §7 "false at start"): the reboot-time settings of the
/// current configuration come into force and the flag is cleared.
pub async fn start(state: &AppState) -> Result<(), AppError> {
    apply_reboot_settings(state).await
}

async fn apply_reboot_settings(state: &AppState) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    config_db::lock(&mut tx).await?;
    let rows = config_db::all(&mut *tx).await?;
    let settings = Settings::layered(&state.site.file_config, &rows);
    config_db::set_reboot_settings(&mut tx, &RebootSettings::of(&settings).to_json()).await?;
    events::notify_config_changed(&state.db, &mut tx).await?;
    tx.commit().await?;
    state.settings_cache.invalidate();
    Ok(())
}

/// Legacy `GET /config/migrate_to_db` (operations.md §7): imports the config file's `configs`
/// with the update rules of config.md §5; items the whitelist does not allow are skipped.
pub async fn migrate_to_db(state: &AppState, caller: &Caller) -> Result<Value, AppError> {
    let actor = caller.authorize(&WRITE)?;
    require_database_config(state)?;
    let file = &state.site.file_config;
    let whitelist = file.database_config_whitelist.as_deref();
    let changes = file
        .configs
        .iter()
        .enumerate()
        .filter(|(_, (group, key, _))| whitelisted(whitelist, group, Some(key)))
        .map(|(index, (group, key, value))| {
            let value = ConfigValue::from_json(value)
                .map_err(|e| AppError::bad_request(format!("configs[{index}]: {e}")))?;
            Ok(Change::Update {
                index,
                group: group.clone(),
                key: key.clone(),
                value,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    write_changes(state, &actor, &changes).await?;
    Ok(json!({}))
}

/// The file `migrate_from_db` writes: next to the config file.
pub fn export_path(config_file: &Path) -> PathBuf {
    match config_file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(EXPORT_FILE),
        _ => PathBuf::from(EXPORT_FILE),
    }
}

/// Legacy `GET /config/migrate_from_db` (operations.md §7): writes every row to
/// [`EXPORT_FILE`] in the config-file format, then deletes those rows. Nothing is deleted if the
/// file cannot be written.
pub async fn migrate_from_db(state: &AppState, caller: &Caller) -> Result<Value, AppError> {
    let actor = caller.authorize(&WRITE)?;
    require_database_config(state)?;
    let mut tx = state.db.begin().await?;
    let flag = config_db::lock(&mut tx).await?;
    let rows = config_db::all(&mut *tx).await?;
    let export = json!({
        "configs": rows
            .iter()
            .map(|r| json!({"group": r.group, "key": r.key, "value": r.value}))
            .collect::<Vec<_>>(),
    });
    let path = export_path(&state.site.file_config.path);
    write_export(&path, &export).await?;
    let mut changed = Vec::new();
    let mut reboot = false;
    for row in &rows {
        config_db::delete(&mut tx, &row.group, &row.key).await?;
        reboot |= needs_reboot(
            &row.group,
            &row.key,
            Some(&ConfigValue::from_stored_json(&row.value)),
        );
        changed.push((row.group.clone(), row.key.clone()));
    }
    if reboot && !flag {
        config_db::raise_reboot_flag(&mut tx).await?;
    }
    if !changed.is_empty() {
        log_update(&mut tx, &actor, &changed).await?;
        events::notify_config_changed(&state.db, &mut tx).await?;
    }
    tx.commit().await?;
    state.settings_cache.invalidate();
    Ok(json!({}))
}

async fn write_export(path: &Path, export: &Value) -> Result<(), AppError> {
    let failed = |e: std::io::Error| {
        tracing::error!(error = %e, path = %path.display(), "could not write the config export");
        AppError::Unavailable(format!("Could not write {EXPORT_FILE}"))
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(dir).await.map_err(failed)?;
    }
    let text = serde_json::to_string_pretty(export)?;
    tokio::fs::write(path, text + "\n").await.map_err(failed)
}

/// For config rows changed outside this module (tests, maintenance SQL): drops this process's
/// cached settings and tells the other processes to drop theirs.
pub async fn settings_changed(state: &AppState) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    events::notify_config_changed(&state.db, &mut tx).await?;
    tx.commit().await?;
    state.settings_cache.invalidate();
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn file(configs: Vec<(&str, &str, Value)>) -> FileConfig {
        FileConfig {
            path: PathBuf::from("data/config.json"),
            configurable_from_database: true,
            database_config_whitelist: None,
            configs: configs
                .into_iter()
                .map(|(g, k, v)| (g.to_string(), k.to_string(), v))
                .collect(),
        }
    }

    fn problem(item: Value, whitelist: Option<&[Vec<String>]>) -> String {
        validate(3, &item, whitelist).unwrap_err().message()
    }

    #[test]
    fn validation_problems() {
        let p = |item: Value| problem(item, None);
        assert_eq!(
            p(json!({"key": ":k", "value": 1})),
            "configs[3]: Missing field: group."
        );
        assert_eq!(
            p(json!({"group": "", "key": ":k", "value": 1})),
            "configs[3]: Missing field: group."
        );
        assert_eq!(
            p(json!({"group": ":g", "value": 1})),
            "configs[3]: Missing field: key."
        );
        assert_eq!(
            p(json!({"group": ":g", "key": ":k"})),
            "configs[3]: value or delete is required"
        );
        assert_eq!(
            p(json!({"group": ":g", "key": ":k", "delete": false})),
            "configs[3]: value or delete is required"
        );
        assert_eq!(
            p(json!({"group": ":g", "key": ":k", "value": null})),
            "configs[3]: value can't be blank"
        );
        assert_eq!(
            p(json!({"group": ":g", "key": ":k", "value": ""})),
            "configs[3]: value can't be blank"
        );
        assert_eq!(
            p(json!({"group": ":g", "key": ":k", "value": "~r/abc"})),
            "configs[3]: invalid regex ~r/abc"
        );
        assert_eq!(
            p(json!({"group": 1, "key": ":k", "value": 1})),
            "configs[3]: group - Invalid string. Got: integer."
        );
        assert_eq!(
            p(json!({"group": ":g", "key": [":k"], "value": 1})),
            "configs[3]: key - Invalid string. Got: array."
        );
        assert_eq!(
            p(json!({"group": ":g\u{0}", "key": ":k", "value": 1})),
            "configs[3]: group - Invalid string. Got: string with a NUL character."
        );
        assert_eq!(
            p(json!({"group": ":g", "key": ":k", "delete": "yes"})),
            "configs[3]: delete - Invalid boolean. Got: string."
        );
        assert_eq!(
            p(json!({"group": ":g", "key": ":k", "delete": true, "subkeys": {"a": 1}})),
            "configs[3]: subkeys - Invalid array. Got: object."
        );
        assert_eq!(p(json!("x")), "configs[3]: Invalid object. Got: string.");
        let list = vec![vec![":pleroma".to_string()]];
        assert_eq!(
            problem(
                json!({"group": ":logger", "key": ":k", "value": 1}),
                Some(&list)
            ),
            "configs[3]: not allowed by database_config_whitelist"
        );
        assert_eq!(
            problem(
                json!({"group": ":logger", "key": ":k", "delete": true}),
                Some(&list)
            ),
            "configs[3]: not allowed by database_config_whitelist"
        );
    }

    #[test]
    fn valid_items() {
        assert_eq!(
            validate(
                0,
                &json!({"group": ":g", "key": ":k", "delete": "true", "subkeys": ":a"}),
                None
            )
            .unwrap(),
            Change::Delete {
                index: 0,
                group: ":g".into(),
                key: ":k".into(),
                subkeys: Some(vec![":a".into()]),
            }
        );
        // `delete: true` wins over a value, which is then not even converted.
        assert!(matches!(
            validate(
                0,
                &json!({"group": ":g", "key": ":k", "delete": true, "value": "~r/x"}),
                None
            ),
            Ok(Change::Delete { subkeys: None, .. })
        ));
        assert_eq!(
            validate(
                1,
                &json!({"group": ":g", "key": ":k", "value": " :x "}),
                None
            )
            .unwrap(),
            Change::Update {
                index: 1,
                group: ":g".into(),
                key: ":k".into(),
                value: ConfigValue::Atom("x".into()),
            }
        );
    }

    #[test]
    fn default_layer_then_file() {
        let f = file(vec![
            (
                ":pleroma",
                ":instance",
                json!([{"tuple": [":name", "From file"]}]),
            ),
            (":logger", ":level", json!(":debug")),
        ]);
        let layers = default_layer(&f);
        assert_eq!(
            (layers[0].group.as_str(), layers[0].key.as_str()),
            (":pleroma", ":instance")
        );
        assert_eq!(
            layers[0].value.keyword_get("name"),
            Some(&ConfigValue::String("From file".into()))
        );
        // Other defaults of the key are kept.
        assert_eq!(
            layers[0].value.keyword_get("limit"),
            Some(&ConfigValue::Integer(5000))
        );
        let last = layers.last().unwrap();
        assert_eq!(
            (last.group.as_str(), last.key.as_str()),
            (":logger", ":level")
        );
    }

    #[test]
    fn merged_items_mark_db_keys() {
        let f = file(vec![]);
        let rows = vec![
            ConfigRow {
                id: 1,
                group: ":x".into(),
                key: ":only_db".into(),
                value: json!(false),
            },
            ConfigRow {
                id: 2,
                group: ":pleroma".into(),
                key: ":instance".into(),
                value: json!([{"tuple": [":name", "Db"]}]),
            },
        ];
        let items = merged_items(&f, &rows);
        assert_eq!(items[0].key, ":instance");
        assert_eq!(items[0].db, [":name"]);
        let last = items.last().unwrap();
        assert_eq!(
            (last.key.as_str(), last.db.clone()),
            (":only_db", vec![":only_db".to_string()])
        );
        assert_eq!(last.value, json!(false));
        // Defaults without a row carry no `db`.
        assert!(items.iter().any(|i| i.key == ":auth" && i.db.is_empty()));
    }

    #[test]
    fn export_path_is_next_to_the_config_file() {
        assert_eq!(
            export_path(Path::new("/etc/steward/config.json")),
            PathBuf::from("/etc/steward/config.exported_from_db.json")
        );
        assert_eq!(
            export_path(Path::new("config.json")),
            PathBuf::from("config.exported_from_db.json")
        );
    }
}
