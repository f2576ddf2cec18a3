//! Merging and updating stored values (config.md §5) and the `db` list of an item (§4).

use super::value::ConfigValue;

/// Keys whose value is always replaced, never merged (config.md §5 "Full-key update").
const FULL_KEY_UPDATES: [(&str, &str); 10] = [
    (":pleroma", ":ecto_repos"),
    (":quack", ":meta"),
    (":mime", ":types"),
    (":cors_plug", ":max_age"),
    (":cors_plug", ":methods"),
    (":cors_plug", ":expose"),
    (":cors_plug", ":headers"),
    (":auto_linker", ":opts"),
    (":swarm", ":node_blacklist"),
    (":logger", ":backends"),
];

/// Subkeys that take the new value outright after a merge (config.md §5 "Full-subkey update").
const FULL_SUBKEY_UPDATES: [(&str, &str, &str); 5] = [
    (":pleroma", ":assets", "mascots"),
    (":pleroma", ":emoji", "groups"),
    (":pleroma", ":workers", "retries"),
    (":pleroma", ":mrf_subchain", "match_actor"),
    (":pleroma", ":mrf_keyword", "replace"),
];

/// Whether `{group, key}` is always replaced as a whole.
pub fn is_full_key_update(group: &str, key: &str) -> bool {
    FULL_KEY_UPDATES.contains(&(group, key))
}

/// The subkeys (atom names) of `{group, key}` that are replaced outright after a merge.
pub fn full_update_subkeys(group: &str, key: &str) -> Vec<&'static str> {
    FULL_SUBKEY_UPDATES
        .iter()
        .filter(|(g, k, _)| *g == group && *k == key)
        .map(|(_, _, sub)| *sub)
        .collect()
}

/// Keyword merge `merge(old, new)`: the entries of `old` whose keys are absent from `new`, in old
/// order, then the entries of `new` in new order; where a key is in both and both values are
/// keyword lists, the value is their merge (recursively), otherwise the new value wins. Keys in
/// `replace` (top level only) always take the new value. Both arguments must be keyword lists;
/// anything else yields `new` unchanged.
pub fn merge_keywords(old: &ConfigValue, new: &ConfigValue, replace: &[&str]) -> ConfigValue {
    let (Some(old_entries), Some(new_entries)) = (old.keyword_entries(), new.keyword_entries())
    else {
        return new.clone();
    };
    let mut merged: Vec<ConfigValue> = old_entries
        .iter()
        .filter(|(k, _)| !new_entries.iter().any(|(nk, _)| nk == k))
        .map(|(k, v)| ConfigValue::keyword_entry(k, (*v).clone()))
        .collect();
    for (key, new_value) in &new_entries {
        let old_value = old_entries.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
        let value = match old_value {
            Some(old_value)
                if !replace.contains(key)
                    && old_value.is_keyword_list()
                    && new_value.is_keyword_list() =>
            {
                merge_keywords(old_value, new_value, &[])
            }
            _ => (*new_value).clone(),
        };
        merged.push(ConfigValue::keyword_entry(key, value));
    }
    ConfigValue::List(merged)
}

/// "Updating one item" (config.md §5): the value to store for `{group, key}` when `new` arrives
/// and `old` is stored (or `None`). No row → `new`; a full-key pair → `new`; both keyword lists →
/// their merge with the full-subkey rule; anything else → `new`.
pub fn update_value(
    group: &str,
    key: &str,
    old: Option<&ConfigValue>,
    new: ConfigValue,
) -> ConfigValue {
    match old {
        Some(old)
            if !is_full_key_update(group, key)
                && old.is_keyword_list()
                && new.is_keyword_list() =>
        {
            merge_keywords(old, &new, &full_update_subkeys(group, key))
        }
        _ => new,
    }
}

/// Removes the entries whose keys (JSON form, `":a"`) are in `subkeys` from a stored keyword list.
/// `None` when the value is not a keyword list.
pub fn remove_subkeys(stored: &ConfigValue, subkeys: &[String]) -> Option<ConfigValue> {
    let entries = stored.keyword_entries()?;
    Some(ConfigValue::List(
        entries
            .into_iter()
            .filter(|(k, _)| !subkeys.iter().any(|s| s.strip_prefix(':') == Some(k)))
            .map(|(k, v)| ConfigValue::keyword_entry(k, v.clone()))
            .collect(),
    ))
}

/// The `db` list of an item (config.md §4): the keys of a stored keyword list in stored order
/// (`":name"`), otherwise `[key]`. Empty for an empty stored keyword list (then omitted).
pub fn db_keys(key: &str, stored: &ConfigValue) -> Vec<String> {
    match stored.keyword_entries() {
        Some(entries) => entries.iter().map(|(k, _)| format!(":{k}")).collect(),
        None => vec![key.to_string()],
    }
}

/// One `{group, key, value}` of a layered configuration, in layer order.
#[derive(Debug, Clone, PartialEq)]
pub struct Layered {
    pub group: String,
    pub key: String,
    pub value: ConfigValue,
}

/// Lays `value` for `{group, key}` over `layers` with the update rule of config.md §5: an existing
/// entry keeps its position and takes the updated value; a new one is appended.
pub fn overlay(layers: &mut Vec<Layered>, group: &str, key: &str, value: ConfigValue) {
    match layers
        .iter_mut()
        .find(|item| item.group == group && item.key == key)
    {
        Some(item) => {
            let old = std::mem::replace(&mut item.value, ConfigValue::Null);
            item.value = update_value(group, key, Some(&old), value);
        }
        None => layers.push(Layered {
            group: group.to_string(),
            key: key.to_string(),
            value,
        }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use serde_json::{json, Value};

    fn v(json: Value) -> ConfigValue {
        ConfigValue::from_json(&json).unwrap()
    }

    fn kw(pairs: &[(&str, Value)]) -> Value {
        Value::Array(
            pairs
                .iter()
                .map(|(k, v)| json!({"tuple": [format!(":{k}"), v]}))
                .collect(),
        )
    }

    #[test]
    fn keyword_merge_example() {
        // old [key1: 1, key2: [k1: 1, k2: 2]], new [key3: 3, key2: [k2: 1, k3: 3]]
        let old = v(kw(&[
            ("key1", json!(1)),
            ("key2", kw(&[("k1", json!(1)), ("k2", json!(2))])),
        ]));
        let new = v(kw(&[
            ("key3", json!(3)),
            ("key2", kw(&[("k2", json!(1)), ("k3", json!(3))])),
        ]));
        let merged = update_value(":pleroma", ":key", Some(&old), new);
        assert_eq!(
            merged.to_json(),
            kw(&[
                ("key1", json!(1)),
                ("key3", json!(3)),
                (
                    "key2",
                    kw(&[("k1", json!(1)), ("k2", json!(1)), ("k3", json!(3))])
                ),
            ])
        );
        assert_eq!(db_keys(":key", &merged), [":key1", ":key3", ":key2"]);
    }

    #[test]
    fn new_value_wins_unless_both_are_keyword_lists() {
        let old = v(kw(&[("a", kw(&[("x", json!(1))])), ("b", json!([1, 2]))]));
        let new = v(kw(&[("a", json!("flat")), ("b", json!([3]))]));
        assert_eq!(
            update_value(":pleroma", ":k", Some(&old), new).to_json(),
            kw(&[("a", json!("flat")), ("b", json!([3]))])
        );
        // An empty list is a keyword list: merging it keeps the old entries.
        let old = v(kw(&[("a", kw(&[("x", json!(1))]))]));
        let new = v(kw(&[("a", json!([]))]));
        assert_eq!(
            update_value(":pleroma", ":k", Some(&old), new).to_json(),
            kw(&[("a", kw(&[("x", json!(1))]))])
        );
    }

    #[test]
    fn full_subkey_update_example() {
        // :emoji old [groups: [a: 1, b: 2], key: [a: 1]], new [groups: [c: 3, d: 4], key: [b: 2]]
        let old = v(kw(&[
            ("groups", kw(&[("a", json!(1)), ("b", json!(2))])),
            ("key", kw(&[("a", json!(1))])),
        ]));
        let new = v(kw(&[
            ("groups", kw(&[("c", json!(3)), ("d", json!(4))])),
            ("key", kw(&[("b", json!(2))])),
        ]));
        assert_eq!(
            update_value(":pleroma", ":emoji", Some(&old), new.clone()).to_json(),
            kw(&[
                ("groups", kw(&[("c", json!(3)), ("d", json!(4))])),
                ("key", kw(&[("a", json!(1)), ("b", json!(2))])),
            ])
        );
        // The same under another key merges `groups` too.
        assert_eq!(
            update_value(":pleroma", ":other", Some(&old), new).to_json(),
            kw(&[
                (
                    "groups",
                    kw(&[
                        ("a", json!(1)),
                        ("b", json!(2)),
                        ("c", json!(3)),
                        ("d", json!(4))
                    ])
                ),
                ("key", kw(&[("a", json!(1)), ("b", json!(2))])),
            ])
        );
    }

    #[test]
    fn every_full_subkey_pair() {
        for (group, key, sub) in [
            (":pleroma", ":assets", "mascots"),
            (":pleroma", ":emoji", "groups"),
            (":pleroma", ":workers", "retries"),
            (":pleroma", ":mrf_subchain", "match_actor"),
            (":pleroma", ":mrf_keyword", "replace"),
        ] {
            let old = v(kw(&[(sub, kw(&[("a", json!(1))]))]));
            let new = v(kw(&[(sub, kw(&[("b", json!(2))]))]));
            assert_eq!(
                update_value(group, key, Some(&old), new).to_json(),
                kw(&[(sub, kw(&[("b", json!(2))]))]),
                "{key}"
            );
        }
    }

    #[test]
    fn full_key_updates_replace() {
        for (group, key) in [
            (":pleroma", ":ecto_repos"),
            (":quack", ":meta"),
            (":mime", ":types"),
            (":cors_plug", ":max_age"),
            (":cors_plug", ":methods"),
            (":cors_plug", ":expose"),
            (":cors_plug", ":headers"),
            (":auto_linker", ":opts"),
            (":swarm", ":node_blacklist"),
            (":logger", ":backends"),
        ] {
            assert!(is_full_key_update(group, key));
            let old = v(kw(&[("a", json!(1))]));
            let new = v(kw(&[("b", json!(2))]));
            assert_eq!(
                update_value(group, key, Some(&old), new).to_json(),
                kw(&[("b", json!(2))]),
                "{group} {key}"
            );
        }
        assert!(!is_full_key_update(":pleroma", ":instance"));
        assert!(!is_full_key_update(":logger", ":console"));
    }

    #[test]
    fn update_rules() {
        // No row: create.
        let new = v(kw(&[("a", json!(1))]));
        assert_eq!(update_value(":pleroma", ":k", None, new.clone()), new);
        // Plain list meets list (Pleroma 2.3 crashed): replace.
        let old = v(json!([":a", ":b"]));
        let new = v(json!([":c"]));
        assert_eq!(
            update_value(":logger", ":things", Some(&old), new.clone()),
            new
        );
        // Keyword list meets plain value: replace.
        let old = v(kw(&[("a", json!(1))]));
        assert_eq!(
            update_value(":pleroma", ":admin_token", Some(&old), v(json!("s"))),
            v(json!("s"))
        );
        // Plain value meets keyword list: replace.
        let new = v(kw(&[("a", json!(1))]));
        assert_eq!(
            update_value(":pleroma", ":k", Some(&v(json!(false))), new.clone()),
            new
        );
    }

    #[test]
    fn db_lists() {
        assert_eq!(db_keys(":key1", &v(json!(1))), [":key1"]);
        assert_eq!(
            db_keys("Pleroma.Upload", &v(json!("x"))),
            ["Pleroma.Upload"]
        );
        assert_eq!(db_keys(":admin_token", &v(json!(false))), [":admin_token"]);
        assert_eq!(
            db_keys(
                ":instance",
                &v(kw(&[("name", json!("x")), ("limit", json!(1))]))
            ),
            [":name", ":limit"]
        );
        assert!(db_keys(":instance", &v(json!([]))).is_empty());
    }

    #[test]
    fn removing_subkeys() {
        let stored = v(kw(&[("a", json!(1)), ("b", json!(2)), ("c", json!(3))]));
        let left = remove_subkeys(&stored, &[":a".into(), ":c".into(), ":zz".into()]).unwrap();
        assert_eq!(left.to_json(), kw(&[("b", json!(2))]));
        // Subkeys are matched in their JSON form.
        let same = remove_subkeys(&stored, &["a".into()]).unwrap();
        assert_eq!(same, stored);
        assert_eq!(remove_subkeys(&v(json!("x")), &[":a".into()]), None);
    }

    #[test]
    fn overlay_keeps_order_and_merges() {
        let mut layers = Vec::new();
        overlay(
            &mut layers,
            ":pleroma",
            ":instance",
            v(kw(&[("name", json!("a")), ("limit", json!(1))])),
        );
        overlay(&mut layers, ":pleroma", ":auth", v(kw(&[])));
        overlay(
            &mut layers,
            ":pleroma",
            ":instance",
            v(kw(&[("name", json!("b"))])),
        );
        overlay(&mut layers, ":logger", ":level", v(json!(":info")));
        let keys: Vec<&str> = layers.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(keys, [":instance", ":auth", ":level"]);
        assert_eq!(
            layers[0].value.to_json(),
            kw(&[("limit", json!(1)), ("name", json!("b"))])
        );
    }
}
