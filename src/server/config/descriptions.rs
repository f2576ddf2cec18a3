//! The setting descriptions of `GET /config/descriptions` (config.md §8, §9).
//!
//! The text lives in `descriptions.json` next to this file, in a compact form of the wire format:
//! labels may be left out (they are derived from the key), and `steward_effect` is written only
//! where steward acts on a setting. Loading fills both in and checks the structure, and a unit test
//! loads it, so a typo fails the tests rather than a request.
//!
//! Effects: a leaf without one has none; a child inherits the effect declared on its parent (the
//! media proxy invalidation request's `options` and their `params`); a node with children and no
//! declared effect has the strongest effect among them, so the top-level `:instance` entry says
//! `reboot` because of `upload_limit`, matching the need_reboot rule of config.md §7.

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::Value;

use crate::model::config::description::{
    is_module_name, label_for, DescriptionChild, DescriptionEntry, DescriptionType, StewardEffect,
};
use crate::server::settings::FileConfig;

const DATA: &str = include_str!("descriptions.json");

/// The type names a description may combine (config.md §9).
const TYPE_NAMES: &[&str] = &[
    "string", "boolean", "integer", "atom", "module", "keyword", "map", "group", "regex", "tuple",
    "list", "dropdown", "image",
];

static DESCRIPTIONS: LazyLock<Vec<DescriptionEntry>> = LazyLock::new(|| match load(DATA) {
    Ok(entries) => entries,
    Err(e) => {
        // Unreachable in a tested build (`data_file_loads`); answering an empty list keeps the
        // settings screen usable as a JSON editor instead of failing every request.
        tracing::error!(error = %e, "invalid setting descriptions");
        Vec::new()
    }
});

/// Every description steward ships, in display order: the settings it honours and the rest of
/// Pleroma 2.3's setting tree (config.md §9). Built on first use.
pub fn descriptions() -> &'static [DescriptionEntry] {
    &DESCRIPTIONS
}

/// The descriptions `GET /config/descriptions` answers: those allowed by the config file's
/// `database_config_whitelist` (all when it is unset). A group-only entry matches only a `[group]`
/// whitelist entry.
pub fn descriptions_for(file: &FileConfig) -> Vec<DescriptionEntry> {
    let Some(whitelist) = &file.database_config_whitelist else {
        return descriptions().to_vec();
    };
    descriptions()
        .iter()
        .filter(|e| whitelist_allows(whitelist, &e.group, e.key.as_deref()))
        .cloned()
        .collect()
}

/// config.md §1: `[group]` allows the whole group, `[group, key]` one key, so an entry without a
/// key is allowed only by `[group]`. Other shapes allow nothing.
fn whitelist_allows(whitelist: &[Vec<String>], group: &str, key: Option<&str>) -> bool {
    whitelist.iter().any(|allowed| match allowed.as_slice() {
        [g] => g == group,
        [g, k] => g == group && key == Some(k.as_str()),
        _ => false,
    })
}

/// A top-level entry as written in the data file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    group: String,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(rename = "type")]
    kind: DescriptionType,
    description: String,
    #[serde(default)]
    children: Vec<RawChild>,
    #[serde(default)]
    suggestions: Option<Vec<Value>>,
    #[serde(default)]
    steward_effect: Option<StewardEffect>,
}

/// A child as written in the data file; `subgroup` is the adapter module it belongs to.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChild {
    key: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(rename = "type")]
    kind: DescriptionType,
    description: String,
    #[serde(default)]
    children: Vec<RawChild>,
    #[serde(default)]
    suggestions: Option<Vec<Value>>,
    #[serde(default)]
    subgroup: Option<String>,
    #[serde(default)]
    steward_effect: Option<StewardEffect>,
}

/// Parses and checks the data file; the error names the offending entry.
fn load(data: &str) -> Result<Vec<DescriptionEntry>, String> {
    let raw: Vec<RawEntry> = serde_json::from_str(data).map_err(|e| e.to_string())?;
    let mut seen = HashSet::new();
    let mut entries = Vec::with_capacity(raw.len());
    for entry in raw {
        let entry = build_entry(entry)?;
        // A group-only entry's children are keys of the group, so they must not repeat a key.
        let keys: Vec<&str> = match &entry.key {
            Some(key) => vec![key.as_str()],
            None => entry.children.iter().map(|c| c.key.as_str()).collect(),
        };
        for key in keys {
            if !seen.insert((entry.group.clone(), key.to_string())) {
                return Err(format!("{} {key}: described twice", entry.group));
            }
        }
        entries.push(entry);
    }
    Ok(entries)
}

fn build_entry(raw: RawEntry) -> Result<DescriptionEntry, String> {
    let path = format!("{} {}", raw.group, raw.key.as_deref().unwrap_or("(group)"));
    if !raw.group.starts_with(':') || raw.group.len() < 2 {
        return Err(format!("{path}: the group must be an atom"));
    }
    if let Some(key) = &raw.key {
        if !(key.starts_with(':') && key.len() > 1 || is_module_name(key)) {
            return Err(format!("{path}: the key must be an atom or a module"));
        }
    }
    check_text(&path, &raw.description)?;
    check_type(&path, &raw.kind, true)?;
    match (raw.kind.is("group"), raw.children.is_empty()) {
        (true, true) => return Err(format!("{path}: a group needs children")),
        (false, false) => return Err(format!("{path}: only a group has children")),
        _ => {}
    }
    if raw.key.is_none() && !raw.kind.is("group") {
        return Err(format!("{path}: a group-only entry must be a group"));
    }
    let children = build_children(&path, raw.children, raw.steward_effect)?;
    let steward_effect = raw
        .steward_effect
        .or_else(|| children.iter().map(|c| c.steward_effect).max())
        .unwrap_or_default();
    let label = match raw.label {
        Some(label) => label,
        None => label_for(raw.key.as_deref().unwrap_or(&raw.group)),
    };
    Ok(DescriptionEntry {
        group: raw.group,
        key: raw.key,
        label,
        kind: raw.kind,
        description: raw.description,
        children,
        suggestions: raw.suggestions,
        steward_effect,
    })
}

fn build_children(
    parent: &str,
    raw: Vec<RawChild>,
    inherited: Option<StewardEffect>,
) -> Result<Vec<DescriptionChild>, String> {
    let mut seen = HashSet::new();
    raw.into_iter()
        .map(|child| {
            let path = format!("{parent} → {}", child.key);
            if child.key.is_empty() || child.key == ":" {
                return Err(format!("{path}: empty key"));
            }
            if !seen.insert((child.subgroup.clone(), child.key.clone())) {
                return Err(format!("{path}: described twice"));
            }
            if let Some(module) = &child.subgroup {
                if !is_module_name(module) {
                    return Err(format!("{path}: the subgroup must be a module"));
                }
            }
            check_text(&path, &child.description)?;
            check_type(&path, &child.kind, false)?;
            if let Some(label) = &child.label {
                check_text(&path, label)?;
            }
            let declared = child.steward_effect.or(inherited);
            let children = build_children(&path, child.children, declared)?;
            let steward_effect = declared
                .or_else(|| children.iter().map(|c| c.steward_effect).max())
                .unwrap_or_default();
            Ok(DescriptionChild {
                label: child.label.unwrap_or_else(|| label_for(&child.key)),
                key: child.key,
                kind: child.kind,
                description: child.description,
                suggestions: child.suggestions,
                children,
                subgroup: child.subgroup,
                steward_effect,
            })
        })
        .collect()
}

fn check_text(path: &str, text: &str) -> Result<(), String> {
    if text.trim().is_empty() || text.trim() != text {
        return Err(format!("{path}: empty or padded text"));
    }
    Ok(())
}

/// Only known names; a combination has at least two distinct names; `group` only at the top.
fn check_type(path: &str, kind: &DescriptionType, top_level: bool) -> Result<(), String> {
    let parts = kind.parts();
    if matches!(kind, DescriptionType::Many(_)) {
        let distinct: HashSet<&str> = parts.iter().copied().collect();
        if parts.len() < 2 || distinct.len() != parts.len() {
            return Err(format!("{path}: a combined type needs distinct names"));
        }
    }
    for part in parts {
        if !TYPE_NAMES.contains(&part) {
            return Err(format!("{path}: unknown type {part}"));
        }
        if part == "group" && !(top_level && kind.is("group")) {
            return Err(format!("{path}: only a top-level entry is a group"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::description::SettingsTab;
    use serde_json::json;
    use std::path::PathBuf;

    fn loaded() -> Vec<DescriptionEntry> {
        match load(DATA) {
            Ok(entries) => entries,
            Err(e) => panic!("descriptions.json: {e}"),
        }
    }

    fn entry<'a>(
        entries: &'a [DescriptionEntry],
        group: &str,
        key: Option<&str>,
    ) -> &'a DescriptionEntry {
        entries
            .iter()
            .find(|e| e.group == group && e.key.as_deref() == key)
            .unwrap_or_else(|| panic!("no entry {group} {key:?}"))
    }

    /// Every node as (group, key or "", path of child keys).
    fn walk(entries: &[DescriptionEntry]) -> Vec<(String, Vec<String>, &DescriptionChild)> {
        fn go<'a>(
            prefix: &str,
            path: Vec<String>,
            children: &'a [DescriptionChild],
            out: &mut Vec<(String, Vec<String>, &'a DescriptionChild)>,
        ) {
            for child in children {
                let mut p = path.clone();
                p.push(child.key.clone());
                out.push((prefix.to_string(), p.clone(), child));
                go(prefix, p, &child.children, out);
            }
        }
        let mut out = Vec::new();
        for e in entries {
            let prefix = format!("{} {}", e.group, e.key.as_deref().unwrap_or(""));
            go(&prefix, Vec::new(), &e.children, &mut out);
        }
        out
    }

    fn file_with(whitelist: Option<Vec<Vec<&str>>>) -> FileConfig {
        FileConfig {
            path: PathBuf::from("unused.json"),
            configurable_from_database: true,
            database_config_whitelist: whitelist.map(|list| {
                list.into_iter()
                    .map(|entry| entry.into_iter().map(str::to_string).collect())
                    .collect()
            }),
            configs: Vec::new(),
        }
    }

    #[test]
    fn data_file_loads() {
        let entries = loaded();
        let nodes = walk(&entries);
        assert!(entries.len() >= 80, "{} entries", entries.len());
        assert!(nodes.len() >= 400, "{} children", nodes.len());
        assert_eq!(descriptions().len(), entries.len());
    }

    /// config.md §8: every setting steward honours, with its effect; everything else has none.
    #[test]
    fn honoured_settings_have_their_effects() {
        use StewardEffect::{Live, Reboot};
        let honoured: &[(&str, &[&str], StewardEffect)] = &[
            (":pleroma :instance", &[":name"], Live),
            (":pleroma :instance", &[":description"], Live),
            (":pleroma :instance", &[":email"], Live),
            (":pleroma :instance", &[":notify_email"], Live),
            (":pleroma :instance", &[":limit"], Live),
            (":pleroma :instance", &[":max_report_comment_size"], Live),
            (":pleroma :instance", &[":registrations_open"], Live),
            (":pleroma :instance", &[":invites_enabled"], Live),
            (
                ":pleroma :instance",
                &[":account_activation_required"],
                Live,
            ),
            (":pleroma :instance", &[":account_approval_required"], Live),
            (":pleroma :instance", &[":user_bio_length"], Live),
            (":pleroma :instance", &[":user_name_length"], Live),
            (":pleroma :instance", &[":max_account_fields"], Live),
            (":pleroma :instance", &[":account_field_name_length"], Live),
            (":pleroma :instance", &[":account_field_value_length"], Live),
            (
                ":pleroma :instance",
                &[":password_reset_token_validity"],
                Live,
            ),
            (":pleroma :instance", &[":admin_privileges"], Live),
            (":pleroma :instance", &[":moderator_privileges"], Live),
            (":pleroma :instance", &[":federating"], Live),
            (":pleroma :instance", &[":static_dir"], Live),
            (":pleroma :instance", &[":upload_limit"], Reboot),
            (
                ":pleroma :auth",
                &[":enforce_oauth_admin_scope_usage"],
                Live,
            ),
            (":pleroma ", &[":admin_token"], Live),
            (":pleroma Pleroma.Emails.Mailer", &[":enabled"], Live),
            (":pleroma Pleroma.Emails.Mailer", &[":adapter"], Live),
            (":pleroma Pleroma.Emails.Mailer", &[":relay"], Live),
            (":pleroma Pleroma.Emails.Mailer", &[":port"], Live),
            (":pleroma Pleroma.Emails.Mailer", &[":username"], Live),
            (":pleroma Pleroma.Emails.Mailer", &[":password"], Live),
            (":pleroma Pleroma.Emails.Mailer", &[":ssl"], Live),
            (":pleroma Pleroma.Emails.Mailer", &[":tls"], Live),
            (":pleroma Pleroma.Emails.Mailer", &[":auth"], Live),
            (":pleroma :mrf", &[":policies"], Live),
            (":pleroma :media_proxy", &[":enabled"], Live),
            (":pleroma :media_proxy", &[":base_url"], Live),
            (":pleroma :media_proxy", &[":invalidation"], Live),
            (
                ":pleroma :media_proxy",
                &[":invalidation", ":enabled"],
                Live,
            ),
            (
                ":pleroma :media_proxy",
                &[":invalidation", ":provider"],
                Live,
            ),
            (
                ":pleroma Pleroma.Web.MediaProxy.Invalidation.Http",
                &[":method"],
                Live,
            ),
            (
                ":pleroma Pleroma.Web.MediaProxy.Invalidation.Http",
                &[":headers"],
                Live,
            ),
            (
                ":pleroma Pleroma.Web.MediaProxy.Invalidation.Http",
                &[":options"],
                Live,
            ),
            (":pleroma :oauth2", &[":token_expires_in"], Live),
            (":pleroma :rate_limit", &[":authentication"], Reboot),
            (":pleroma Pleroma.User", &[":restricted_nicknames"], Live),
        ];
        let entries = loaded();
        let nodes = walk(&entries);
        for (prefix, path, effect) in honoured {
            let matches: Vec<_> = nodes
                .iter()
                .filter(|(p, k, _)| p == prefix && k == path)
                .collect();
            assert!(!matches.is_empty(), "missing {prefix} {path:?}");
            for (_, _, child) in matches {
                assert_eq!(child.steward_effect, *effect, "{prefix} {path:?}");
            }
        }
        // Everything not at or under a §8 setting has no effect, and every leaf steward acts on
        // states its default.
        for (prefix, path, child) in &nodes {
            let covered = honoured.iter().any(|(p, k, _)| {
                p == prefix
                    && path.len() >= k.len()
                    && path.iter().zip(k.iter()).all(|(a, b)| a == b)
            });
            if !covered {
                assert_eq!(
                    child.steward_effect,
                    StewardEffect::None,
                    "{prefix} {path:?} is not a §8 setting"
                );
            } else if child.children.is_empty() && path.len() == 1 {
                assert!(
                    child.description.contains("Default"),
                    "{prefix} {path:?} does not state its default"
                );
            }
        }
        // Top-level effects are the strongest inside.
        assert_eq!(
            entry(&entries, ":pleroma", Some(":instance")).steward_effect,
            Reboot
        );
        assert_eq!(
            entry(&entries, ":pleroma", Some(":rate_limit")).steward_effect,
            Reboot
        );
        assert_eq!(
            entry(&entries, ":pleroma", Some(":auth")).steward_effect,
            Live
        );
        assert_eq!(
            entry(&entries, ":pleroma", Some(":media_proxy")).steward_effect,
            Live
        );
        assert_eq!(
            entry(&entries, ":pleroma", Some("Pleroma.Upload")).steward_effect,
            StewardEffect::None
        );
        let token = entries
            .iter()
            .find(|e| e.key.is_none() && e.child(":admin_token").is_some())
            .unwrap();
        assert_eq!(token.steward_effect, Live);
        // Inherited from the declared parent.
        let params = entry(
            &entries,
            ":pleroma",
            Some("Pleroma.Web.MediaProxy.Invalidation.Http"),
        )
        .child(":options")
        .and_then(|o| o.child(":params"))
        .unwrap();
        assert_eq!(params.steward_effect, Live);
        // The mailer's per-adapter children: only the SMTP ones are live.
        let mailer = entry(&entries, ":pleroma", Some("Pleroma.Emails.Mailer"));
        for child in &mailer.children {
            let smtp_live = [
                ":relay",
                ":port",
                ":username",
                ":password",
                ":ssl",
                ":tls",
                ":auth",
            ];
            match child.subgroup.as_deref() {
                Some("Swoosh.Adapters.SMTP") if smtp_live.contains(&child.key.as_str()) => {
                    assert_eq!(child.steward_effect, Live, "{}", child.key)
                }
                Some(_) => assert_eq!(child.steward_effect, StewardEffect::None, "{}", child.key),
                None => assert_eq!(child.steward_effect, Live, "{}", child.key),
            }
        }
    }

    #[test]
    fn pleroma_groups_are_covered() {
        let entries = loaded();
        let keyed = [
            ":instance",
            ":uri_schemes",
            ":feed",
            ":markup",
            ":frontend_configurations",
            ":assets",
            ":emoji",
            ":media_proxy",
            ":mrf",
            ":mrf_simple",
            ":mrf_keyword",
            ":rich_media",
            ":rate_limit",
            ":oauth2",
            ":auth",
            ":welcome",
            "Pleroma.Captcha",
            "Pleroma.Upload",
            "Pleroma.Uploaders.Local",
            "Pleroma.Emails.Mailer",
            "Pleroma.User",
            ":activitypub",
            ":http",
            "Oban",
            ":workers",
            ":connections_pool",
            ":pools",
            ":hackney_pools",
            ":chat",
            ":streamer",
            ":gopher",
            ":shout",
            ":restrict_unauthenticated",
            "Pleroma.Formatter",
        ];
        for key in keyed {
            entry(&entries, ":pleroma", Some(key));
        }
        entry(&entries, ":web_push_encryption", Some(":vapid_details"));
        entry(&entries, ":ex_aws", Some(":s3"));
        entry(&entries, ":auto_linker", Some(":opts"));
        for group in [
            ":logger",
            ":quack",
            ":mime",
            ":tesla",
            ":cors_plug",
            ":esshd",
            ":http_signatures",
        ] {
            entry(&entries, group, None);
        }
        // :rate_limit children are tuples, the mailer has its adapters' children.
        let rate = entry(&entries, ":pleroma", Some(":rate_limit"));
        assert!(rate.children.iter().all(|c| c.kind.includes("tuple")));
        let mailer = entry(&entries, ":pleroma", Some("Pleroma.Emails.Mailer"));
        assert!(mailer
            .children
            .iter()
            .any(|c| c.subgroup.as_deref() == Some("Swoosh.Adapters.Sendgrid")));
    }

    #[test]
    fn labels_are_given_or_derived() {
        let entries = loaded();
        let instance = entry(&entries, ":pleroma", Some(":instance"));
        assert_eq!(instance.label, "Instance");
        assert_eq!(
            instance.child(":registrations_open").unwrap().label,
            "Registrations open"
        );
        assert_eq!(
            instance.child(":email").unwrap().label,
            "Admin email address"
        );
        assert_eq!(
            entry(&entries, ":pleroma", Some("Pleroma.Upload")).label,
            "Pleroma.Upload"
        );
        assert_eq!(entry(&entries, ":pleroma", Some("Oban")).label, "Oban");
        assert_eq!(entry(&entries, ":logger", None).label, "Logger");
        let upload = entry(&entries, ":pleroma", Some("Pleroma.Upload"));
        assert_eq!(upload.child(":link_name").unwrap().label, "Link name");
        let mime = entry(&entries, ":mime", None).child(":types").unwrap();
        assert_eq!(
            mime.child("application/xml").unwrap().label,
            "Application/xml"
        );
    }

    #[test]
    fn every_tab_has_settings() {
        let entries = loaded();
        for tab in SettingsTab::ALL {
            assert!(
                entries.iter().any(|e| e.tabs().contains(&tab)),
                "{} is empty",
                tab.label()
            );
        }
        let instance = entry(&entries, ":pleroma", Some(":instance"));
        let roles: Vec<&str> = instance
            .children_in(SettingsTab::Roles)
            .map(|c| c.key.as_str())
            .collect();
        assert_eq!(roles, vec![":admin_privileges", ":moderator_privileges"]);
        let token = entries
            .iter()
            .find(|e| e.key.is_none() && e.child(":admin_token").is_some())
            .unwrap();
        assert_eq!(token.tab(), SettingsTab::Authentication);
        assert_eq!(
            entry(&entries, ":pleroma", Some(":mrf_simple")).tab(),
            SettingsTab::Mrf
        );
        assert_eq!(entry(&entries, ":esshd", None).tab(), SettingsTab::Advanced);
    }

    #[test]
    fn whitelist_filters_entries() {
        let all = descriptions_for(&file_with(None));
        assert_eq!(all.len(), descriptions().len());

        let some = descriptions_for(&file_with(Some(vec![
            vec![":pleroma", ":instance"],
            vec![":esshd"],
            vec![":logger"],
        ])));
        let names: Vec<(&str, Option<&str>)> = some
            .iter()
            .map(|e| (e.group.as_str(), e.key.as_deref()))
            .collect();
        assert_eq!(
            names,
            vec![
                (":pleroma", Some(":instance")),
                (":logger", None),
                (":logger", Some(":ex_syslogger")),
                (":logger", Some(":console")),
                (":esshd", None),
            ]
        );

        // Group-only entries of :pleroma (the admin token) need a [":pleroma"] entry.
        let by_key = descriptions_for(&file_with(Some(vec![vec![":pleroma", ":admin_token"]])));
        assert!(by_key.is_empty());
        let group = descriptions_for(&file_with(Some(vec![vec![":pleroma"]])));
        assert!(group.iter().all(|e| e.group == ":pleroma"));
        assert!(group
            .iter()
            .any(|e| e.key.is_none() && e.child(":admin_token").is_some()));
        assert_eq!(
            group.len(),
            descriptions()
                .iter()
                .filter(|e| e.group == ":pleroma")
                .count()
        );

        assert!(descriptions_for(&file_with(Some(Vec::new()))).is_empty());
    }

    #[test]
    fn wire_form() {
        let wire = serde_json::to_value(descriptions()).unwrap();
        let entries = wire.as_array().unwrap();
        fn check_type(v: &Value) {
            match v {
                Value::String(_) => {}
                Value::Array(parts) => assert!(parts.iter().all(Value::is_string), "{v}"),
                other => panic!("type {other}"),
            }
        }
        fn check_child(c: &Value) {
            assert!(c["key"].is_string(), "{c}");
            assert!(c["label"].is_string(), "{c}");
            assert!(c["description"].is_string(), "{c}");
            assert!(c["steward_effect"].is_string(), "{c}");
            check_type(&c["type"]);
            if let Some(children) = c.get("children") {
                children.as_array().unwrap().iter().for_each(check_child);
            }
        }
        for e in entries {
            assert!(e["group"].is_string());
            assert!(matches!(e.get("key"), None | Some(Value::String(_))), "{e}");
            assert!(e["label"].is_string());
            assert!(e["steward_effect"].is_string());
            check_type(&e["type"]);
            if let Some(children) = e["children"].as_array() {
                children.iter().for_each(check_child);
            }
        }
        let logger = entries
            .iter()
            .find(|e| e["group"] == ":logger" && e.get("key").is_none())
            .unwrap();
        assert_eq!(logger["type"], json!("group"));
        assert_eq!(
            logger["children"][0]["type"],
            json!(["atom", "tuple", "module"])
        );
        let mailer = entries
            .iter()
            .find(|e| e["key"] == "Pleroma.Emails.Mailer")
            .unwrap();
        let relay = mailer["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == ":relay")
            .unwrap();
        assert_eq!(relay["group"], json!(["subgroup", "Swoosh.Adapters.SMTP"]));
        assert_eq!(relay["steward_effect"], json!("live"));
        assert!(mailer["children"][0].get("group").is_none());
        assert!(mailer["children"][0].get("children").is_none());
    }

    #[test]
    fn malformed_data_is_refused() {
        let base = |child: &str| {
            format!(
                r#"[{{"group": ":pleroma", "key": ":x", "type": "group", "description": "X.",
                     "children": [{child}]}}]"#
            )
        };
        let good = r#"{"key": ":a", "type": "boolean", "description": "A."}"#;
        assert!(load(&base(good)).is_ok());
        for bad in [
            r#"{"key": ":a", "type": "bool", "description": "A."}"#,
            r#"{"key": ":a", "type": ["list"], "description": "A."}"#,
            r#"{"key": ":a", "type": ["list", "list"], "description": "A."}"#,
            r#"{"key": ":a", "type": "group", "description": "A."}"#,
            r#"{"key": ":a", "type": "boolean", "description": ""}"#,
            r#"{"key": ":a", "type": "boolean", "description": "A.", "typo": 1}"#,
            r#"{"key": ":a", "type": "boolean", "description": "A.", "steward_effect": "soon"}"#,
            r#"{"key": "", "type": "boolean", "description": "A."}"#,
        ] {
            assert!(load(&base(bad)).is_err(), "accepted {bad}");
        }
        let twice = format!("{good}, {good}");
        assert!(load(&base(&twice)).is_err());
        assert!(load(
            r#"[{"group": ":pleroma", "key": ":x", "type": "group", "description": "X."}]"#
        )
        .is_err());
        assert!(load(r#"[{"group": "pleroma", "type": "map", "description": "X."}]"#).is_err());
        let entry = base(good);
        let entry = entry.trim_start_matches('[').trim_end_matches(']');
        assert!(load(&format!("[{entry}, {entry}]")).is_err());
    }
}
