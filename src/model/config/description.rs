//! Setting descriptions: the entries of `GET /api/pleroma/admin/config/descriptions` (config.md §9)
//! and how the panel's settings screen files them into tabs (ui.md §4.11).
//!
//! Shared by the server, which builds the list, and the panel, which renders a form from it, so this
//! file uses serde and the standard library only.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// When a change to a setting takes effect in steward (config.md §8). Ordered by how much it asks of
/// an admin: `None < Live < Reboot`, so the strongest effect inside a group is its maximum.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum StewardEffect {
    /// Stored and returned, but steward does not act on it (kept for Pleroma clients).
    #[default]
    None,
    /// Used from the next request after `POST /config`.
    Live,
    /// Used after `GET /restart`.
    Reboot,
}

impl StewardEffect {
    /// The wire name: `"none"`, `"live"` or `"reboot"`.
    pub fn as_str(self) -> &'static str {
        match self {
            StewardEffect::None => "none",
            StewardEffect::Live => "live",
            StewardEffect::Reboot => "reboot",
        }
    }
}

/// A description's `type`: one name (`"string"`) or a combination (`["list", "module"]`), serialised
/// exactly so (config.md §9).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DescriptionType {
    One(String),
    Many(Vec<String>),
}

impl DescriptionType {
    /// The type names, in order: `["string"]` for `"string"`.
    pub fn parts(&self) -> Vec<&str> {
        match self {
            DescriptionType::One(name) => vec![name.as_str()],
            DescriptionType::Many(names) => names.iter().map(String::as_str).collect(),
        }
    }

    /// Whether `name` is one of the type names (`includes("boolean")` for `["string", "boolean"]`).
    pub fn includes(&self, name: &str) -> bool {
        self.parts().contains(&name)
    }

    /// Whether this is exactly the single name `name` (not a combination containing it).
    pub fn is(&self, name: &str) -> bool {
        matches!(self, DescriptionType::One(one) if one == name)
    }
}

/// One top-level description: a config-store key of a group (`:pleroma` / `:instance`), or a whole
/// group when `key` is absent, in which case each child is itself a key of the group (`:pleroma` /
/// `:admin_token`, `:logger` / `:backends`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DescriptionEntry {
    /// `":pleroma"`, `":logger"`, …
    pub group: String,
    /// `":instance"`, `"Pleroma.Upload"`; absent for a group-only entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub label: String,
    /// Usually `"group"`.
    #[serde(rename = "type")]
    pub kind: DescriptionType,
    /// Markdown.
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<DescriptionChild>,
    /// Example values in the JSON forms of config.md §3 (for a key whose value has no children).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<Vec<Value>>,
    /// The strongest effect of anything inside the entry: saving the key as a whole has this effect.
    /// Each child carries its own.
    #[serde(default)]
    pub steward_effect: StewardEffect,
}

/// A setting inside an entry: a subkey of a keyword list or a map key, possibly with its own
/// children (nested keyword lists and maps).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DescriptionChild {
    /// Atom keys as `":uploader"`, string keys as-is (`"application/xml"`), module keys by name.
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: DescriptionType,
    /// Markdown.
    #[serde(default)]
    pub description: String,
    /// Example values in the JSON forms of config.md §3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<DescriptionChild>,
    /// The adapter module a child only applies to (the mailer's per-adapter options), sent as
    /// Pleroma does: `"group": ["subgroup", "Swoosh.Adapters.SMTP"]`. A form shows such a child only
    /// while that adapter is selected.
    #[serde(
        default,
        rename = "group",
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_subgroup",
        deserialize_with = "deserialize_subgroup"
    )]
    pub subgroup: Option<String>,
    #[serde(default)]
    pub steward_effect: StewardEffect,
}

fn serialize_subgroup<S: Serializer>(subgroup: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match subgroup {
        Some(module) => ["subgroup", module.as_str()].serialize(s),
        None => s.serialize_none(),
    }
}

fn deserialize_subgroup<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Option::<Vec<String>>::deserialize(d)?;
    Ok(match value.as_deref() {
        Some([tag, module]) if tag == "subgroup" => Some(module.clone()),
        _ => None,
    })
}

impl DescriptionEntry {
    /// The child with this key (the first, if adapter-specific children share it).
    pub fn child(&self, key: &str) -> Option<&DescriptionChild> {
        self.children.iter().find(|c| c.key == key)
    }

    /// The tab the entry itself belongs to; a group-only entry goes where its first child goes.
    pub fn tab(&self) -> SettingsTab {
        match (&self.key, self.children.first()) {
            (Some(key), _) => SettingsTab::for_setting(&self.group, Some(key), None),
            (None, Some(first)) => SettingsTab::for_setting(&self.group, Some(&first.key), None),
            (None, None) => SettingsTab::for_setting(&self.group, None, None),
        }
    }

    /// The tab a direct child is shown in: some keys are split over several tabs (`:instance` →
    /// `registrations_open` is under "Registrations & invites").
    pub fn child_tab(&self, child: &DescriptionChild) -> SettingsTab {
        match &self.key {
            Some(key) => SettingsTab::for_setting(&self.group, Some(key), Some(&child.key)),
            None => SettingsTab::for_setting(&self.group, Some(&child.key), None),
        }
    }

    /// Every tab that shows part of this entry, in tab order.
    pub fn tabs(&self) -> Vec<SettingsTab> {
        let mut tabs = vec![self.tab()];
        tabs.extend(self.children.iter().map(|c| self.child_tab(c)));
        SettingsTab::ALL
            .into_iter()
            .filter(|t| tabs.contains(t))
            .collect()
    }

    /// The direct children shown in `tab`.
    pub fn children_in(&self, tab: SettingsTab) -> impl Iterator<Item = &DescriptionChild> {
        self.children
            .iter()
            .filter(move |c| self.child_tab(c) == tab)
    }
}

impl DescriptionChild {
    /// The nested child with this key.
    pub fn child(&self, key: &str) -> Option<&DescriptionChild> {
        self.children.iter().find(|c| c.key == key)
    }
}

/// The tabs of the settings screen (ui.md §4.11), in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingsTab {
    Instance,
    Registrations,
    Authentication,
    Roles,
    Mailer,
    Mrf,
    MediaProxy,
    RateLimits,
    Uploads,
    /// Every other group and key.
    Advanced,
}

impl SettingsTab {
    pub const ALL: [SettingsTab; 10] = [
        SettingsTab::Instance,
        SettingsTab::Registrations,
        SettingsTab::Authentication,
        SettingsTab::Roles,
        SettingsTab::Mailer,
        SettingsTab::Mrf,
        SettingsTab::MediaProxy,
        SettingsTab::RateLimits,
        SettingsTab::Uploads,
        SettingsTab::Advanced,
    ];

    /// The tab's title on screen.
    pub fn label(self) -> &'static str {
        match self {
            SettingsTab::Instance => "Instance",
            SettingsTab::Registrations => "Registrations & invites",
            SettingsTab::Authentication => "Authentication & OAuth",
            SettingsTab::Roles => "Roles & privileges",
            SettingsTab::Mailer => "Mailer",
            SettingsTab::Mrf => "MRF",
            SettingsTab::MediaProxy => "Media proxy",
            SettingsTab::RateLimits => "Rate limits",
            SettingsTab::Uploads => "Uploads",
            SettingsTab::Advanced => "Advanced",
        }
    }

    /// The tab's name in URLs (`/admin/settings?tab=media_proxy`).
    pub fn slug(self) -> &'static str {
        match self {
            SettingsTab::Instance => "instance",
            SettingsTab::Registrations => "registrations",
            SettingsTab::Authentication => "authentication",
            SettingsTab::Roles => "roles",
            SettingsTab::Mailer => "mailer",
            SettingsTab::Mrf => "mrf",
            SettingsTab::MediaProxy => "media_proxy",
            SettingsTab::RateLimits => "rate_limits",
            SettingsTab::Uploads => "uploads",
            SettingsTab::Advanced => "advanced",
        }
    }

    /// The tab named `slug` in a URL; unknown names are `None`.
    pub fn from_slug(slug: &str) -> Option<SettingsTab> {
        SettingsTab::ALL.into_iter().find(|t| t.slug() == slug)
    }

    /// The tab of a setting: `group` and `key` of the config store, and optionally a `subkey` of the
    /// key's keyword list (only `:pleroma` / `:instance` spreads its subkeys over several tabs).
    pub fn for_setting(group: &str, key: Option<&str>, subkey: Option<&str>) -> SettingsTab {
        match group {
            ":pleroma" => {}
            ":swoosh" => return SettingsTab::Mailer,
            ":ex_aws" => return SettingsTab::Uploads,
            _ => return SettingsTab::Advanced,
        }
        let Some(key) = key else {
            return SettingsTab::Advanced;
        };
        if key == ":instance" {
            return match subkey.unwrap_or_default() {
                ":registrations_open"
                | ":invites_enabled"
                | ":account_activation_required"
                | ":account_approval_required"
                | ":registration_reason_length"
                | ":autofollowed_nicknames"
                | ":autofollowing_nicknames" => SettingsTab::Registrations,
                ":admin_privileges" | ":moderator_privileges" => SettingsTab::Roles,
                ":password_reset_token_validity" | ":multi_factor_authentication" => {
                    SettingsTab::Authentication
                }
                ":notify_email" => SettingsTab::Mailer,
                ":upload_limit"
                | ":avatar_upload_limit"
                | ":background_upload_limit"
                | ":banner_upload_limit" => SettingsTab::Uploads,
                _ => SettingsTab::Instance,
            };
        }
        match key {
            ":uri_schemes"
            | ":frontend_configurations"
            | ":frontends"
            | ":assets"
            | ":manifest"
            | ":emoji"
            | ":feed"
            | ":markup"
            | ":static_fe"
            | ":restrict_unauthenticated" => SettingsTab::Instance,
            ":welcome" | "Pleroma.Captcha" | "Pleroma.Captcha.Kocaptcha" | "Pleroma.User" => {
                SettingsTab::Registrations
            }
            ":auth" | ":oauth2" | ":ldap" | ":admin_token" | "Pleroma.Web.Auth.Authenticator" => {
                SettingsTab::Authentication
            }
            "Pleroma.Emails.Mailer"
            | "Pleroma.Emails.UserEmail"
            | "Pleroma.Emails.NewUsersDigestEmail"
            | ":email_notifications" => SettingsTab::Mailer,
            ":mrf" => SettingsTab::Mrf,
            _ if key.starts_with(":mrf_") => SettingsTab::Mrf,
            ":media_proxy" | ":media_preview_proxy" => SettingsTab::MediaProxy,
            _ if key.starts_with("Pleroma.Web.MediaProxy.") => SettingsTab::MediaProxy,
            ":rate_limit" => SettingsTab::RateLimits,
            "Pleroma.Upload" => SettingsTab::Uploads,
            _ if key.starts_with("Pleroma.Upload.") || key.starts_with("Pleroma.Uploaders.") => {
                SettingsTab::Uploads
            }
            _ => SettingsTab::Advanced,
        }
    }
}

/// The label a key gets when none is given (config.md §9): `:link_name` → `Link name`. Module keys
/// (`Pleroma.Upload`, `Oban`) keep their name; other string keys (`application/xml`) get the same
/// treatment as atoms.
pub fn label_for(key: &str) -> String {
    if is_module_name(key) {
        return key.to_string();
    }
    let words = key.trim_start_matches(':').replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether a key names a module (`Pleroma.Upload`, `Oban`, `Swoosh.Adapters.SMTP`): it starts with
/// an upper-case letter, as Elixir module names do, while atoms start with `:`.
pub fn is_module_name(key: &str) -> bool {
    key.chars().next().is_some_and(|c| c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn labels_derive_from_keys() {
        assert_eq!(label_for(":link_name"), "Link name");
        assert_eq!(label_for(":enabled"), "Enabled");
        assert_eq!(
            label_for(":account_activation_required"),
            "Account activation required"
        );
        assert_eq!(label_for("Pleroma.Upload"), "Pleroma.Upload");
        assert_eq!(label_for("Oban"), "Oban");
        assert_eq!(label_for("application/xml"), "Application/xml");
        assert_eq!(label_for(":logger"), "Logger");
        assert_eq!(label_for(":tlsv1.2"), "Tlsv1.2");
        assert_eq!(label_for(":"), "");
        assert_eq!(label_for(""), "");
    }

    #[test]
    fn types_serialise_as_string_or_array() {
        let one = DescriptionType::One("string".into());
        let many = DescriptionType::Many(vec!["list".into(), "module".into()]);
        assert_eq!(serde_json::to_value(&one).ok(), Some(json!("string")));
        assert_eq!(
            serde_json::to_value(&many).ok(),
            Some(json!(["list", "module"]))
        );
        let back: DescriptionType = serde_json::from_value(json!(["dropdown", "atom"])).unwrap();
        assert_eq!(
            back,
            DescriptionType::Many(vec!["dropdown".into(), "atom".into()])
        );
        assert!(back.includes("atom") && !back.is("atom"));
        assert!(one.is("string") && one.includes("string"));
        assert_eq!(many.parts(), vec!["list", "module"]);
    }

    #[test]
    fn entries_skip_absent_fields() {
        let entry = DescriptionEntry {
            group: ":logger".into(),
            key: None,
            label: "Logger".into(),
            kind: DescriptionType::One("group".into()),
            description: "Logging.".into(),
            children: vec![DescriptionChild {
                key: ":backends".into(),
                label: "Backends".into(),
                kind: DescriptionType::Many(vec!["atom".into(), "tuple".into(), "module".into()]),
                description: "Where logs go.".into(),
                suggestions: Some(vec![json!(":console")]),
                children: Vec::new(),
                subgroup: None,
                steward_effect: StewardEffect::None,
            }],
            suggestions: None,
            steward_effect: StewardEffect::None,
        };
        let wire = serde_json::to_value(&entry).unwrap();
        assert_eq!(
            wire,
            json!({
                "group": ":logger",
                "label": "Logger",
                "type": "group",
                "description": "Logging.",
                "children": [{
                    "key": ":backends",
                    "label": "Backends",
                    "type": ["atom", "tuple", "module"],
                    "description": "Where logs go.",
                    "suggestions": [":console"],
                    "steward_effect": "none"
                }],
                "steward_effect": "none"
            })
        );
        let back: DescriptionEntry = serde_json::from_value(wire).unwrap();
        assert_eq!(back, entry);
    }

    #[test]
    fn adapter_children_carry_their_subgroup() {
        let child: DescriptionChild = serde_json::from_value(json!({
            "key": ":relay", "label": "Relay", "type": "string", "description": "SMTP host.",
            "group": ["subgroup", "Swoosh.Adapters.SMTP"], "steward_effect": "live"
        }))
        .unwrap();
        assert_eq!(child.subgroup.as_deref(), Some("Swoosh.Adapters.SMTP"));
        assert_eq!(child.steward_effect, StewardEffect::Live);
        let wire = serde_json::to_value(&child).unwrap();
        assert_eq!(wire["group"], json!(["subgroup", "Swoosh.Adapters.SMTP"]));
    }

    #[test]
    fn effects_order_and_names() {
        assert!(StewardEffect::None < StewardEffect::Live);
        assert!(StewardEffect::Live < StewardEffect::Reboot);
        for effect in [
            StewardEffect::None,
            StewardEffect::Live,
            StewardEffect::Reboot,
        ] {
            assert_eq!(
                serde_json::to_value(effect).unwrap(),
                json!(effect.as_str())
            );
        }
    }

    #[test]
    fn tabs_for_settings() {
        use SettingsTab::*;
        let tab = |g: &str, k: Option<&str>, s: Option<&str>| SettingsTab::for_setting(g, k, s);
        assert_eq!(tab(":pleroma", Some(":instance"), None), Instance);
        assert_eq!(tab(":pleroma", Some(":instance"), Some(":name")), Instance);
        assert_eq!(
            tab(":pleroma", Some(":instance"), Some(":registrations_open")),
            Registrations
        );
        assert_eq!(
            tab(":pleroma", Some(":instance"), Some(":moderator_privileges")),
            Roles
        );
        assert_eq!(
            tab(":pleroma", Some(":instance"), Some(":upload_limit")),
            Uploads
        );
        assert_eq!(
            tab(":pleroma", Some(":instance"), Some(":notify_email")),
            Mailer
        );
        assert_eq!(tab(":pleroma", Some(":auth"), None), Authentication);
        assert_eq!(tab(":pleroma", Some(":admin_token"), None), Authentication);
        assert_eq!(tab(":pleroma", Some("Pleroma.Emails.Mailer"), None), Mailer);
        assert_eq!(tab(":swoosh", None, None), Mailer);
        assert_eq!(tab(":pleroma", Some(":mrf"), None), Mrf);
        assert_eq!(tab(":pleroma", Some(":mrf_simple"), None), Mrf);
        assert_eq!(tab(":pleroma", Some(":media_proxy"), None), MediaProxy);
        assert_eq!(
            tab(
                ":pleroma",
                Some("Pleroma.Web.MediaProxy.Invalidation.Http"),
                None
            ),
            MediaProxy
        );
        assert_eq!(tab(":pleroma", Some(":rate_limit"), None), RateLimits);
        assert_eq!(tab(":pleroma", Some("Pleroma.Upload"), None), Uploads);
        assert_eq!(
            tab(":pleroma", Some("Pleroma.Uploaders.Local"), None),
            Uploads
        );
        assert_eq!(tab(":pleroma", Some("Pleroma.User"), None), Registrations);
        assert_eq!(tab(":pleroma", Some("Oban"), None), Advanced);
        assert_eq!(tab(":logger", None, None), Advanced);
        assert_eq!(tab(":pleroma", None, None), Advanced);
        for t in SettingsTab::ALL {
            assert_eq!(SettingsTab::from_slug(t.slug()), Some(t));
        }
        assert_eq!(SettingsTab::from_slug("nope"), None);
    }

    #[test]
    fn entry_tabs_follow_children() {
        let child = |key: &str| DescriptionChild {
            key: key.into(),
            label: label_for(key),
            kind: DescriptionType::One("boolean".into()),
            description: "x".into(),
            suggestions: None,
            children: Vec::new(),
            subgroup: None,
            steward_effect: StewardEffect::Live,
        };
        let instance = DescriptionEntry {
            group: ":pleroma".into(),
            key: Some(":instance".into()),
            label: "Instance".into(),
            kind: DescriptionType::One("group".into()),
            description: "x".into(),
            children: vec![
                child(":name"),
                child(":invites_enabled"),
                child(":admin_privileges"),
            ],
            suggestions: None,
            steward_effect: StewardEffect::Live,
        };
        assert_eq!(instance.tab(), SettingsTab::Instance);
        assert_eq!(
            instance.tabs(),
            vec![
                SettingsTab::Instance,
                SettingsTab::Registrations,
                SettingsTab::Roles
            ]
        );
        let keys: Vec<&str> = instance
            .children_in(SettingsTab::Registrations)
            .map(|c| c.key.as_str())
            .collect();
        assert_eq!(keys, vec![":invites_enabled"]);
        let token = DescriptionEntry {
            key: None,
            label: "Admin token".into(),
            children: vec![child(":admin_token")],
            ..instance
        };
        assert_eq!(token.tab(), SettingsTab::Authentication);
        assert_eq!(token.tabs(), vec![SettingsTab::Authentication]);
    }
}
