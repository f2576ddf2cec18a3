//! The config store as it crosses the wire (config.md): the value model and its JSON conversions
//! ([`value`]), merging and updating ([`merge`]), the need_reboot rules ([`reboot`]) and the
//! request and response shapes of `GET`/`POST /config` and `GET /need_reboot`. Pure code, shared
//! by the server and the panel.

pub mod description;
pub mod merge;
pub mod reboot;
pub mod value;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use merge::{db_keys, merge_keywords, update_value};
pub use reboot::needs_reboot;
pub use value::{ConfigValue, ConversionError, MapKey};

/// One config item of `GET`/`POST /config` (config.md §4): `value` in its §3 JSON form; `db` lists
/// what the database stores for the key (omitted when empty, and always for `only_db=true`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigItem {
    pub group: String,
    pub key: String,
    pub value: Value,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub db: Vec<String>,
}

/// The answer of `GET /config` and `POST /config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Configs {
    pub configs: Vec<ConfigItem>,
    pub need_reboot: bool,
}

/// The answer of `GET /need_reboot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedReboot {
    pub need_reboot: bool,
}

/// One item of a `POST /config` body: an update (`value`) or a deletion (`delete: true`, with
/// optional `subkeys` such as `":name"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigChange {
    pub group: String,
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delete: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subkeys: Option<Vec<String>>,
}

/// Every layer of the effective configuration, for showing where a setting comes from (config.md
/// §10 "Each setting shows its source"): steward's built-in defaults, the config file's `configs`
/// and the database rows (with `db`), each in its own order. `GET /config` is their merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigLayers {
    pub defaults: Vec<ConfigItem>,
    pub file: Vec<ConfigItem>,
    pub database: Vec<ConfigItem>,
    pub need_reboot: bool,
    /// Whether the database layer is in use (`configurable_from_database`).
    pub configurable_from_database: bool,
}

/// Whether `database_config_whitelist` allows `{group, key}` (config.md §1). `None` = everything
/// allowed. An entry `[group]` allows the whole group, `[group, key]` one key; an item without a
/// key (a group-only description) matches only `[group]` entries.
pub fn whitelisted(whitelist: Option<&[Vec<String>]>, group: &str, key: Option<&str>) -> bool {
    let Some(entries) = whitelist else {
        return true;
    };
    entries.iter().any(|entry| match entry.as_slice() {
        [g] => g == group,
        [g, k] => g == group && key == Some(k.as_str()),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use serde_json::json;

    #[test]
    fn whitelist_entries() {
        let list = vec![
            vec![":pleroma".to_string(), ":instance".to_string()],
            vec![":esshd".to_string()],
        ];
        let w = Some(list.as_slice());
        assert!(whitelisted(None, ":anything", Some(":x")));
        assert!(whitelisted(w, ":pleroma", Some(":instance")));
        assert!(!whitelisted(w, ":pleroma", Some(":auth")));
        assert!(whitelisted(w, ":esshd", Some(":enabled")));
        assert!(whitelisted(w, ":esshd", None));
        assert!(!whitelisted(w, ":pleroma", None));
        assert!(!whitelisted(w, ":logger", Some(":backends")));
        assert!(!whitelisted(Some(&[]), ":pleroma", Some(":instance")));
    }

    #[test]
    fn wire_shapes() {
        let item = ConfigItem {
            group: ":pleroma".into(),
            key: ":instance".into(),
            value: json!([]),
            db: vec![],
        };
        assert_eq!(
            serde_json::to_value(&item).unwrap(),
            json!({"group": ":pleroma", "key": ":instance", "value": []})
        );
        let with_db = ConfigItem {
            db: vec![":name".into()],
            ..item
        };
        assert_eq!(
            serde_json::to_value(Configs {
                configs: vec![with_db],
                need_reboot: false
            })
            .unwrap(),
            json!({"configs": [{"group": ":pleroma", "key": ":instance", "value": [], "db": [":name"]}],
                   "need_reboot": false})
        );
        let change: ConfigChange = serde_json::from_value(
            json!({"group": ":pleroma", "key": ":instance", "delete": true}),
        )
        .unwrap();
        assert!(change.delete);
        assert_eq!(
            serde_json::to_value(&change).unwrap(),
            json!({"group": ":pleroma", "key": ":instance", "delete": true})
        );
        assert_eq!(
            serde_json::to_value(NeedReboot { need_reboot: true }).unwrap(),
            json!({"need_reboot": true})
        );
    }
}
