//! The need_reboot rules (config.md §7): which stored items only take effect after `GET /restart`.

use super::value::ConfigValue;

/// Keys of group `:pleroma` whose every update needs a reboot.
const REBOOT_KEYS: [&str; 8] = [
    ":hackney_pools",
    ":chat",
    "Oban",
    ":rate_limit",
    ":markup",
    ":streamer",
    ":pools",
    ":connections_pool",
];

/// `(key, subkey)` of group `:pleroma`: a stored keyword value holding the subkey needs a reboot.
const REBOOT_SUBKEYS: [(&str, &str); 4] = [
    ("Pleroma.Captcha", "seconds_valid"),
    ("Pleroma.Upload", "proxy_remote"),
    (":instance", "upload_limit"),
    (":gopher", "enabled"),
];

/// Whether updating or deleting `{group, key}` raises the reboot flag. `stored` is the stored
/// value after an update, or before a deletion. As in Pleroma, the subkey rule looks at the whole
/// stored value: once `:upload_limit` is stored, every later `:instance` update needs a reboot.
pub fn needs_reboot(group: &str, key: &str, stored: Option<&ConfigValue>) -> bool {
    if group != ":pleroma" {
        return false;
    }
    if REBOOT_KEYS.contains(&key) {
        return true;
    }
    let Some(entries) = stored.and_then(ConfigValue::keyword_entries) else {
        return false;
    };
    REBOOT_SUBKEYS
        .iter()
        .filter(|(k, _)| *k == key)
        .any(|(_, sub)| entries.iter().any(|(name, _)| name == sub))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use serde_json::{json, Value};

    fn v(json: Value) -> ConfigValue {
        ConfigValue::from_json(&json).unwrap()
    }

    #[test]
    fn reboot_keys() {
        for key in [
            ":hackney_pools",
            ":chat",
            "Oban",
            ":rate_limit",
            ":markup",
            ":streamer",
            ":pools",
            ":connections_pool",
        ] {
            assert!(needs_reboot(":pleroma", key, None), "{key}");
            assert!(needs_reboot(":pleroma", key, Some(&v(json!([])))), "{key}");
            // Only in group :pleroma.
            assert!(!needs_reboot(":other", key, None), "{key}");
        }
        assert!(!needs_reboot(":pleroma", ":instance", None));
        assert!(!needs_reboot(":pleroma", ":oban", None));
    }

    #[test]
    fn reboot_subkeys() {
        for (key, sub) in [
            ("Pleroma.Captcha", ":seconds_valid"),
            ("Pleroma.Upload", ":proxy_remote"),
            (":instance", ":upload_limit"),
            (":gopher", ":enabled"),
        ] {
            let with = v(json!([{"tuple": [":other", 1]}, {"tuple": [sub, 1]}]));
            let without = v(json!([{"tuple": [":other", 1]}]));
            assert!(needs_reboot(":pleroma", key, Some(&with)), "{key}");
            assert!(!needs_reboot(":pleroma", key, Some(&without)), "{key}");
            assert!(!needs_reboot(":pleroma", key, None), "{key}");
            assert!(!needs_reboot(":not_pleroma", key, Some(&with)), "{key}");
        }
        // The subkey belongs to its own key only.
        let upload = v(json!([{"tuple": [":upload_limit", 1]}]));
        assert!(!needs_reboot(":pleroma", ":gopher", Some(&upload)));
        // A non-keyword value holding the name does not count.
        assert!(!needs_reboot(
            ":pleroma",
            ":instance",
            Some(&v(json!([":upload_limit"])))
        ));
    }

    #[test]
    fn the_whole_stored_value_counts() {
        // Once :upload_limit is stored, an :instance update that changes only :name still raises
        // the flag: the stored value after the update holds :upload_limit.
        let stored_after = v(json!([{"tuple": [":upload_limit", 1]}, {"tuple": [":name", "x"]}]));
        assert!(needs_reboot(":pleroma", ":instance", Some(&stored_after)));
    }
}
