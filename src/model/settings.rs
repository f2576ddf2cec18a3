//! The settings screen's form model (ui.md §4.11, config.md §10): which widget a description gets,
//! what a widget's inputs are, how inputs become the JSON a `POST /config` item carries and back,
//! and which `ConfigChange`s a tab's edits make. Pure code shared by the hydrated panel (which
//! calls the `settings_save` server function) and the JavaScript-off form handler
//! (`server::api::panel_settings`), so both send exactly the same encoding.
//!
//! A tab is a flat list of [`Block`]s: a titled section per description entry (and per nested
//! keyword with children), and a [`Field`] per leaf setting. A field is addressed by its config-store
//! `group` and `key` plus a `path` of subkeys inside the key's value. Saving sends, per key, only
//! the changed leaves as a (nested) keyword list, which `POST /config` merges into what is stored
//! (config.md §5); a map, a full-key update and a full-subkey update are sent whole, because the
//! server replaces them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::config::description::{
    DescriptionChild, DescriptionEntry, DescriptionType, SettingsTab, StewardEffect,
};
use crate::model::config::merge::{full_update_subkeys, is_full_key_update};
use crate::model::config::{ConfigChange, ConfigItem, ConfigLayers, ConfigValue};

pub mod privileges;

/// Everything the settings screen needs, loaded in one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsScreen {
    /// Every description, in display order, with whether `database_config_whitelist` allows
    /// saving it.
    pub entries: Vec<SettingsEntry>,
    /// The layers, for source badges, `need_reboot` and `configurable_from_database`.
    pub layers: ConfigLayers,
    /// `GET /config`: the effective values (with `db`). Empty while database configuration is off.
    pub effective: Vec<ConfigItem>,
}

/// One description and whether it may be saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsEntry {
    pub description: DescriptionEntry,
    pub editable: bool,
}

/// Where a setting's effective value comes from (ui.md §4.11 source badge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    Default,
    File,
    Database,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Default => "Default",
            Source::File => "File",
            Source::Database => "Database",
        }
    }
}

/// The badge text of an effect (ui.md §4.11).
pub fn effect_label(effect: StewardEffect) -> &'static str {
    match effect {
        StewardEffect::Live => "Live",
        StewardEffect::Reboot => "Needs restart",
        StewardEffect::None => "No effect",
    }
}

/// The control a setting is edited with (config.md §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Widget {
    /// `string`, `["string","atom"]`.
    Text,
    /// A string that holds a message or HTML.
    TextArea,
    /// `boolean`.
    Switch,
    /// `integer` (min 0).
    Number,
    /// `atom`: text after a fixed `:`.
    Atom,
    /// `module`, `["dropdown", …]`: one of the suggestions, or free entry; empty = unset.
    Select,
    /// `["list", "atom"]` with suggestions: one checkbox per suggestion (the privilege lists).
    Checklist,
    /// `["list", …]`, `["regex","string"]`: tags with free entry.
    Tags,
    /// Arrays containing `boolean`: a switch plus a value when on.
    Optional,
    /// `["string","image"]`: a URL with a preview.
    Image,
    /// `["string","tuple"]` (`:sender`): name and email.
    Sender,
    /// `keyword` without children, `["keyword","map"]`: key/value rows of a keyword list.
    KeywordRows,
    /// `map` without children: key/value rows of a map.
    MapRows,
    /// `tuple`: one input per element.
    Tuple,
    /// `:rate_limit` entries: `{ms, count}` for visitors and, optionally, for logged-in users.
    RateLimit,
    /// `:proxy_url`: type, host and port.
    ProxyUrl,
    /// Anything else: JSON validated by a config.md §2/§3 round trip.
    Json,
}

impl Widget {
    /// The widget of a leaf described by `kind` at `key` inside config-store key `store_key`.
    pub fn for_leaf(
        store_key: &str,
        key: &str,
        kind: &DescriptionType,
        suggestions: &[Value],
    ) -> Widget {
        if store_key == ":rate_limit" && key != ":rate_limit" {
            return Widget::RateLimit;
        }
        if key == ":proxy_url" {
            return Widget::ProxyUrl;
        }
        let parts = kind.parts();
        match parts.as_slice() {
            ["string"] | ["string", "atom"] => {
                if is_long_text(key) {
                    Widget::TextArea
                } else {
                    Widget::Text
                }
            }
            ["boolean"] => Widget::Switch,
            ["integer"] => Widget::Number,
            ["atom"] => Widget::Atom,
            ["module"] => Widget::Select,
            ["dropdown", ..] => Widget::Select,
            ["list", "atom"] if !suggestions.is_empty() => Widget::Checklist,
            ["list", "module" | "string" | "atom"] | ["regex", "string"] => Widget::Tags,
            ["string", "image"] => Widget::Image,
            ["string", "tuple"] => Widget::Sender,
            ["keyword"] | ["map"] | ["keyword", "map"] if key != ":rate_limit" => {
                if parts == ["map"] {
                    Widget::MapRows
                } else {
                    Widget::KeywordRows
                }
            }
            ["tuple"] => Widget::Tuple,
            _ if parts.len() == 2 && kind.includes("boolean") => Widget::Optional,
            _ => Widget::Json,
        }
    }

    /// Whether the JavaScript-off form renders and reads this widget as is; the others are edited
    /// as JSON there.
    pub fn is_plain(self) -> bool {
        matches!(
            self,
            Widget::Text
                | Widget::TextArea
                | Widget::Switch
                | Widget::Number
                | Widget::Atom
                | Widget::Select
                | Widget::Checklist
                | Widget::Image
                | Widget::Json
        )
    }

    /// The widget of the JavaScript-off form.
    pub fn plain(self) -> Widget {
        if self.is_plain() {
            self
        } else {
            Widget::Json
        }
    }
}

fn is_long_text(key: &str) -> bool {
    ["message", "description", "instance_panel", "html", "body"]
        .iter()
        .any(|w| key.contains(w))
}

/// What a widget holds while it is edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldInput {
    /// Text, text area, number, atom (without `:`), select, image URL, JSON.
    Text(String),
    /// A switch.
    Bool(bool),
    /// Tags or the checked suggestions of a checklist, in order.
    List(Vec<String>),
    /// Key/value rows (values as typed: JSON when it parses, else text).
    Rows(Vec<(String, String)>),
    /// Tuple elements; sender `[name, email]`; proxy `[type, host, port]`; rate limit
    /// `[ms, count, ms, count]`.
    Parts(Vec<String>),
    /// A switch and the value used while it is on.
    Optional { on: bool, value: String },
}

/// A value as one line of text: strings as they are unless they would read back as something
/// else (`"12"`, `"true"`), everything else as JSON.
pub fn loose_text(value: &Value) -> String {
    match value {
        Value::String(s) if serde_json::from_str::<Value>(s).is_err() => s.clone(),
        other => other.to_string(),
    }
}

/// Text typed into a value box: JSON when it parses (`12`, `true`, `"x"`, `[1]`), else the text.
pub fn loose_value(text: &str) -> Value {
    let trimmed = text.trim();
    match serde_json::from_str::<Value>(trimmed) {
        Ok(value) if !trimmed.is_empty() => value,
        _ => Value::String(text.to_string()),
    }
}

fn tuple(elements: Vec<Value>) -> Value {
    let mut object = Map::new();
    object.insert("tuple".into(), Value::Array(elements));
    Value::Object(object)
}

fn tuple_parts(value: &Value) -> Option<&Vec<Value>> {
    value.get("tuple").and_then(Value::as_array)
}

fn integer(text: &str, what: &str) -> Result<Option<Value>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(n) if n >= 0 => Ok(Some(Value::from(n))),
        Ok(_) => Err(format!("{what} can't be negative")),
        Err(_) => Err(format!("{what} must be a whole number")),
    }
}

/// The key of a keyword-list row: an atom (`:key`), whether or not the colon was typed.
fn atom_key(key: &str) -> String {
    let key = key.trim();
    if key.starts_with(':') {
        key.to_string()
    } else {
        format!(":{key}")
    }
}

/// Reads `value` (the §3 JSON form, `None` = unset) into the inputs of `widget`. `None` when the
/// value does not fit the widget (it is then edited as JSON).
pub fn decode(widget: Widget, value: Option<&Value>) -> Option<FieldInput> {
    let Some(value) = value else {
        return Some(match widget {
            Widget::Switch => FieldInput::Bool(false),
            Widget::Checklist | Widget::Tags => FieldInput::List(Vec::new()),
            Widget::KeywordRows | Widget::MapRows => FieldInput::Rows(Vec::new()),
            Widget::Sender => FieldInput::Parts(vec![String::new(); 2]),
            Widget::ProxyUrl => FieldInput::Parts(vec![String::new(); 3]),
            Widget::RateLimit => FieldInput::Parts(vec![String::new(); 4]),
            Widget::Tuple => FieldInput::Parts(Vec::new()),
            Widget::Optional => FieldInput::Optional {
                on: false,
                value: String::new(),
            },
            _ => FieldInput::Text(String::new()),
        });
    };
    Some(match widget {
        Widget::Text | Widget::TextArea | Widget::Image => {
            FieldInput::Text(value.as_str()?.to_string())
        }
        Widget::Switch => FieldInput::Bool(value.as_bool()?),
        Widget::Number => {
            value.as_i64()?;
            FieldInput::Text(value.to_string())
        }
        Widget::Atom => FieldInput::Text(value.as_str()?.strip_prefix(':')?.to_string()),
        Widget::Select => match value {
            Value::String(s) => FieldInput::Text(s.clone()),
            Value::Bool(_) | Value::Number(_) => FieldInput::Text(value.to_string()),
            _ => return None,
        },
        Widget::Checklist | Widget::Tags => FieldInput::List(
            value
                .as_array()?
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<_>>()?,
        ),
        Widget::KeywordRows => FieldInput::Rows(
            value
                .as_array()?
                .iter()
                .map(|item| match tuple_parts(item)?.as_slice() {
                    [Value::String(k), v] if k.starts_with(':') => Some((k.clone(), loose_text(v))),
                    _ => None,
                })
                .collect::<Option<_>>()?,
        ),
        Widget::MapRows => FieldInput::Rows(
            value
                .as_object()?
                .iter()
                .map(|(k, v)| (k.clone(), loose_text(v)))
                .collect(),
        ),
        Widget::Tuple => FieldInput::Parts(tuple_parts(value)?.iter().map(loose_text).collect()),
        Widget::Sender => match tuple_parts(value)?.as_slice() {
            [Value::String(name), Value::String(email)] => {
                FieldInput::Parts(vec![name.clone(), email.clone()])
            }
            _ => return None,
        },
        Widget::ProxyUrl => match tuple_parts(value)?.as_slice() {
            [Value::String(kind), Value::String(host), Value::Number(port)] => {
                FieldInput::Parts(vec![
                    kind.trim_start_matches(':').to_string(),
                    host.clone(),
                    port.to_string(),
                ])
            }
            _ => return None,
        },
        Widget::RateLimit => {
            let pair = |v: &Value| -> Option<[String; 2]> {
                match tuple_parts(v)?.as_slice() {
                    [Value::Number(ms), Value::Number(count)] => {
                        Some([ms.to_string(), count.to_string()])
                    }
                    _ => None,
                }
            };
            match value {
                Value::Array(pairs) => match pairs.as_slice() {
                    [visitors, users] => {
                        let [a, b] = pair(visitors)?;
                        let [c, d] = pair(users)?;
                        FieldInput::Parts(vec![a, b, c, d])
                    }
                    _ => return None,
                },
                single => {
                    let [a, b] = pair(single)?;
                    FieldInput::Parts(vec![a, b, String::new(), String::new()])
                }
            }
        }
        Widget::Optional => match value {
            Value::Bool(on) => FieldInput::Optional {
                on: *on,
                value: String::new(),
            },
            other => FieldInput::Optional {
                on: true,
                value: loose_text(other),
            },
        },
        Widget::Json => FieldInput::Text(
            serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string()),
        ),
    })
}

/// The §3 JSON a widget's inputs stand for; `Ok(None)` = no value (an empty optional input).
/// Problems are worded for the field's error line. Every value is checked by the config.md §2
/// conversion the server runs, so a value the panel sends is never refused for its form.
pub fn encode(widget: Widget, input: &FieldInput) -> Result<Option<Value>, String> {
    let value = encode_unchecked(widget, input)?;
    if let Some(value) = &value {
        ConfigValue::from_json(value).map_err(|e| e.to_string())?;
    }
    Ok(value)
}

/// "Edit as JSON" (ui.md §4.11): checks JSON typed for a setting. It must parse, and the
/// config.md §2 conversion the server runs must accept it (regexes, atoms, tuples…), so a value
/// the box accepts is never refused by `POST /config` for its form. `Ok(None)`: an empty box,
/// i.e. no value.
pub fn check_json(text: &str) -> Result<Option<Value>, String> {
    encode(Widget::Json, &FieldInput::Text(text.to_string()))
}

/// The text "Edit as JSON" starts with: what `input` (edited with `widget`) stands for, in the
/// §3 JSON form the API sends, pretty-printed; empty for no value. An input that can't be encoded
/// yet (a half-typed number) shows the effective value instead, so nothing typed turns into a
/// wrong value silently.
pub fn json_text_of(field: &Field, widget: Widget, input: &FieldInput) -> String {
    let value = match encode(widget, input) {
        Ok(value) => value,
        Err(_) => field.current.clone(),
    };
    pretty(value.as_ref())
}

/// A value as the pretty JSON of the JSON boxes; empty for no value.
pub fn pretty(value: Option<&Value>) -> String {
    value
        .map(|v| serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string()))
        .unwrap_or_default()
}

/// Whether JSON typed for `field` changes it: text that does not parse or convert is a change
/// (it must be reported, not dropped); valid JSON is a change when it is another value than the
/// effective one (reformatting is not).
pub fn json_changes(field: &Field, text: &str) -> bool {
    match check_json(text) {
        Ok(value) => value != field.current,
        Err(_) => true,
    }
}

fn encode_unchecked(widget: Widget, input: &FieldInput) -> Result<Option<Value>, String> {
    let mismatch = || Err("this field's value has an unexpected form".to_string());
    match (widget, input) {
        (Widget::Text | Widget::TextArea | Widget::Image, FieldInput::Text(s)) => {
            Ok(Some(Value::String(s.clone())))
        }
        (Widget::Switch, FieldInput::Bool(b)) => Ok(Some(Value::Bool(*b))),
        (Widget::Number, FieldInput::Text(s)) => integer(s, "The value"),
        (Widget::Atom, FieldInput::Text(s)) => {
            let name = s.trim().trim_start_matches(':');
            if name.is_empty() {
                Ok(None)
            } else if name.chars().any(char::is_whitespace) {
                Err("an atom can't contain spaces".into())
            } else {
                Ok(Some(Value::String(format!(":{name}"))))
            }
        }
        (Widget::Select, FieldInput::Text(s)) => {
            let s = s.trim();
            Ok(match s {
                "" => None,
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => Some(Value::String(s.to_string())),
            })
        }
        (Widget::Checklist | Widget::Tags, FieldInput::List(items)) => {
            let mut out = Vec::new();
            for item in items {
                let item = item.trim();
                if item.is_empty() {
                    continue;
                }
                let value = Value::String(item.to_string());
                if item.starts_with("~r") {
                    ConfigValue::from_json(&value).map_err(|e| e.to_string())?;
                }
                out.push(value);
            }
            Ok(Some(Value::Array(out)))
        }
        (Widget::KeywordRows, FieldInput::Rows(rows)) => Ok(Some(Value::Array(
            rows.iter()
                .filter(|(k, _)| !k.trim().is_empty())
                .map(|(k, v)| tuple(vec![Value::String(atom_key(k)), loose_value(v)]))
                .collect(),
        ))),
        (Widget::MapRows, FieldInput::Rows(rows)) => {
            let mut map = Map::new();
            for (k, v) in rows {
                let k = k.trim();
                if k.is_empty() {
                    continue;
                }
                if map.insert(k.to_string(), loose_value(v)).is_some() {
                    return Err(format!("the key {k} appears twice"));
                }
            }
            Ok(Some(Value::Object(map)))
        }
        (Widget::Tuple, FieldInput::Parts(parts)) => {
            Ok(Some(tuple(parts.iter().map(|p| loose_value(p)).collect())))
        }
        (Widget::Sender, FieldInput::Parts(parts)) => match parts.as_slice() {
            [name, email] if name.trim().is_empty() && email.trim().is_empty() => Ok(None),
            [name, email] => Ok(Some(tuple(vec![
                Value::String(name.clone()),
                Value::String(email.clone()),
            ]))),
            _ => mismatch(),
        },
        (Widget::ProxyUrl, FieldInput::Parts(parts)) => match parts.as_slice() {
            [kind, host, port] => {
                if kind.trim().is_empty() && host.trim().is_empty() && port.trim().is_empty() {
                    return Ok(None);
                }
                let Some(port) = integer(port, "The port")? else {
                    return Err("the port is missing".into());
                };
                if host.trim().is_empty() {
                    return Err("the host is missing".into());
                }
                Ok(Some(tuple(vec![
                    Value::String(atom_key(kind)),
                    Value::String(host.trim().to_string()),
                    port,
                ])))
            }
            _ => mismatch(),
        },
        (Widget::RateLimit, FieldInput::Parts(parts)) => {
            let [ms, count, user_ms, user_count] = parts.as_slice() else {
                return mismatch();
            };
            let pair = |ms: &str, count: &str, who: &str| -> Result<Option<Value>, String> {
                match (
                    integer(ms, &format!("The {who} window"))?,
                    integer(count, &format!("The {who} count"))?,
                ) {
                    (None, None) => Ok(None),
                    (Some(ms), Some(count)) => Ok(Some(tuple(vec![ms, count]))),
                    _ => Err(format!("give both the window and the count for {who}")),
                }
            };
            match (
                pair(ms, count, "visitors")?,
                pair(user_ms, user_count, "logged-in users")?,
            ) {
                (None, None) => Ok(None),
                (Some(visitors), None) => Ok(Some(visitors)),
                (Some(visitors), Some(users)) => Ok(Some(Value::Array(vec![visitors, users]))),
                (None, Some(_)) => Err("give the visitors' limit too".into()),
            }
        }
        (Widget::Optional, FieldInput::Optional { on, value }) => Ok(Some(if !on {
            Value::Bool(false)
        } else if value.trim().is_empty() {
            Value::Bool(true)
        } else {
            loose_value(value)
        })),
        (Widget::Json, FieldInput::Text(text)) => {
            if text.trim().is_empty() {
                return Ok(None);
            }
            serde_json::from_str(text)
                .map(Some)
                .map_err(|e| format!("not valid JSON: {e}"))
        }
        _ => mismatch(),
    }
}

/// The value at `path` inside a §3 JSON value: keyword lists by key, maps by key.
pub fn lookup<'a>(value: &'a Value, path: &[String]) -> Option<&'a Value> {
    let Some((first, rest)) = path.split_first() else {
        return Some(value);
    };
    let next = match value {
        Value::Array(items) => items
            .iter()
            .find_map(|item| match tuple_parts(item)?.as_slice() {
                [Value::String(k), v] if k == first => Some(v),
                _ => None,
            }),
        Value::Object(map) if !map.contains_key("tuple") => map.get(first),
        _ => None,
    }?;
    lookup(next, rest)
}

/// One line of the settings form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Block {
    /// A titled section: a description entry (depth 0) or a nested keyword with children.
    Section(Section),
    Field(Field),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub description: String,
    pub depth: usize,
    pub effect: StewardEffect,
    /// `group` and `key` (for search).
    pub group: String,
    pub key: String,
    pub editable: bool,
    /// Deletes what the database stores for this section.
    pub reset: Option<ConfigChange>,
}

/// A leaf setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Unique in the tab; the form field name and the DOM id.
    pub id: String,
    pub group: String,
    /// The config-store key.
    pub key: String,
    /// Subkeys inside the key's value (empty: the field is the whole value).
    pub path: Vec<String>,
    /// For each step of `path`, whether its container is a map (else a keyword list).
    pub in_map: Vec<bool>,
    pub label: String,
    pub description: String,
    pub kind: DescriptionType,
    pub suggestions: Vec<Value>,
    pub effect: StewardEffect,
    pub widget: Widget,
    /// The effective value (`None` = unset).
    pub current: Option<Value>,
    pub source: Source,
    pub depth: usize,
    pub editable: bool,
    /// "Reset to default": deletes what the database stores for this field.
    pub reset: Option<ConfigChange>,
    /// The mailer adapter this option belongs to.
    pub subgroup: Option<String>,
}

impl Field {
    /// The field's name for people: label and where it lives.
    pub fn address(&self) -> String {
        let mut parts = vec![self.group.clone(), self.key.clone()];
        parts.extend(self.path.iter().cloned());
        parts.join(" ")
    }

    /// The widget actually used: the described one when the current value fits it, else JSON.
    pub fn widget_for(&self, widget: Widget) -> Widget {
        if decode(widget, self.current.as_ref()).is_some() {
            widget
        } else {
            Widget::Json
        }
    }

    /// What the widget shows before any edit.
    pub fn initial(&self, widget: Widget) -> FieldInput {
        let widget = self.widget_for(widget);
        decode(widget, self.current.as_ref()).unwrap_or(FieldInput::Text(String::new()))
    }

    /// Whether any text of the field matches a search (labels, keys, descriptions).
    pub fn matches(&self, query: &str) -> bool {
        matches_text(
            query,
            &[&self.label, &self.description, &self.address(), &self.key],
        )
    }
}

impl Section {
    pub fn matches(&self, query: &str) -> bool {
        matches_text(
            query,
            &[&self.title, &self.description, &self.group, &self.key],
        )
    }
}

fn matches_text(query: &str, texts: &[&str]) -> bool {
    let query = query.trim().to_lowercase();
    query.is_empty() || texts.iter().any(|t| t.to_lowercase().contains(&query))
}

/// The layers' values of one key.
struct Layers<'a> {
    database: Option<&'a ConfigItem>,
    file: Option<&'a ConfigItem>,
    effective: Option<&'a ConfigItem>,
}

fn item<'a>(items: &'a [ConfigItem], group: &str, key: &str) -> Option<&'a ConfigItem> {
    items.iter().find(|i| i.group == group && i.key == key)
}

impl SettingsScreen {
    fn layers_of(&self, group: &str, key: &str) -> Layers<'_> {
        Layers {
            database: item(&self.layers.database, group, key),
            file: item(&self.layers.file, group, key),
            effective: item(&self.effective, group, key),
        }
    }

    /// The tabs that have something to show, in screen order.
    pub fn tabs(&self) -> Vec<SettingsTab> {
        SettingsTab::ALL
            .into_iter()
            .filter(|t| {
                self.entries
                    .iter()
                    .any(|e| e.description.tabs().contains(t))
            })
            .collect()
    }

    /// The form of `tab`.
    pub fn blocks(&self, tab: SettingsTab) -> Vec<Block> {
        let mut blocks = Vec::new();
        for entry in &self.entries {
            let d = &entry.description;
            if !d.tabs().contains(&tab) {
                continue;
            }
            let n = blocks.len();
            match &d.key {
                Some(key) => {
                    let layers = self.layers_of(&d.group, key);
                    blocks.push(Block::Section(Section {
                        id: format!("set-{n}"),
                        title: d.label.clone(),
                        description: d.description.clone(),
                        depth: 0,
                        effect: d.steward_effect,
                        group: d.group.clone(),
                        key: key.clone(),
                        editable: entry.editable,
                        reset: (entry.editable && layers.database.is_some()).then(|| {
                            ConfigChange {
                                group: d.group.clone(),
                                key: key.clone(),
                                value: None,
                                delete: true,
                                subkeys: None,
                            }
                        }),
                    }));
                    if d.children.is_empty() {
                        let widget = Widget::for_leaf(
                            key,
                            key,
                            &d.kind,
                            d.suggestions.as_deref().unwrap_or_default(),
                        );
                        self.push_field(
                            &mut blocks,
                            entry.editable,
                            &d.group,
                            key,
                            Leaf {
                                path: Vec::new(),
                                in_map: Vec::new(),
                                label: d.label.clone(),
                                description: String::new(),
                                kind: d.kind.clone(),
                                suggestions: d.suggestions.clone().unwrap_or_default(),
                                effect: d.steward_effect,
                                widget,
                                depth: 1,
                                subgroup: None,
                            },
                        );
                    } else {
                        let top_map = d.kind.is("map");
                        for child in d.children_in(tab) {
                            self.push_child(
                                &mut blocks,
                                entry.editable,
                                &d.group,
                                key,
                                child,
                                &[],
                                &[],
                                top_map,
                                1,
                            );
                        }
                    }
                }
                None => {
                    blocks.push(Block::Section(Section {
                        id: format!("set-{n}"),
                        title: d.label.clone(),
                        description: d.description.clone(),
                        depth: 0,
                        effect: d.steward_effect,
                        group: d.group.clone(),
                        key: String::new(),
                        editable: entry.editable,
                        reset: None,
                    }));
                    // Each child is a key of the group.
                    for child in d.children_in(tab) {
                        if child.children.is_empty() {
                            let widget = Widget::for_leaf(
                                &child.key,
                                &child.key,
                                &child.kind,
                                child.suggestions.as_deref().unwrap_or_default(),
                            );
                            self.push_field(
                                &mut blocks,
                                entry.editable,
                                &d.group,
                                &child.key,
                                Leaf::of(child, Vec::new(), Vec::new(), widget, 1),
                            );
                        } else {
                            let top_map = child.kind.is("map");
                            for grandchild in &child.children {
                                self.push_child(
                                    &mut blocks,
                                    entry.editable,
                                    &d.group,
                                    &child.key,
                                    grandchild,
                                    &[],
                                    &[],
                                    top_map,
                                    1,
                                );
                            }
                        }
                    }
                }
            }
        }
        qualify_repeated_labels(&mut blocks);
        blocks
    }

    #[allow(clippy::too_many_arguments)]
    fn push_child(
        &self,
        blocks: &mut Vec<Block>,
        editable: bool,
        group: &str,
        key: &str,
        child: &DescriptionChild,
        parent_path: &[String],
        parent_in_map: &[bool],
        in_map: bool,
        depth: usize,
    ) {
        let mut path = parent_path.to_vec();
        path.push(child.key.clone());
        let mut maps = parent_in_map.to_vec();
        maps.push(in_map);
        let nested = !child.children.is_empty()
            && (child.kind.includes("keyword") || child.kind.includes("map"))
            && key != ":rate_limit";
        if !nested {
            let widget = Widget::for_leaf(
                key,
                &child.key,
                &child.kind,
                child.suggestions.as_deref().unwrap_or_default(),
            );
            self.push_field(
                blocks,
                editable,
                group,
                key,
                Leaf::of(child, path, maps, widget, depth),
            );
            return;
        }
        let layers = self.layers_of(group, key);
        let n = blocks.len();
        blocks.push(Block::Section(Section {
            id: format!("set-{n}"),
            title: child.label.clone(),
            description: child.description.clone(),
            depth,
            effect: child.steward_effect,
            group: group.to_string(),
            key: key.to_string(),
            editable,
            reset: reset_of(editable, group, key, &path, layers.database),
        }));
        let child_map = child.kind.is("map");
        for grandchild in &child.children {
            self.push_child(
                blocks,
                editable,
                group,
                key,
                grandchild,
                &path,
                &maps,
                child_map,
                depth + 1,
            );
        }
    }

    fn push_field(
        &self,
        blocks: &mut Vec<Block>,
        editable: bool,
        group: &str,
        key: &str,
        leaf: Leaf,
    ) {
        let layers = self.layers_of(group, key);
        fn at<'a>(item: Option<&'a ConfigItem>, path: &[String]) -> Option<&'a Value> {
            item.and_then(|i| lookup(&i.value, path))
        }
        let source = if at(layers.database, &leaf.path).is_some() {
            Source::Database
        } else if at(layers.file, &leaf.path).is_some() {
            Source::File
        } else {
            Source::Default
        };
        let current = at(layers.effective, &leaf.path).cloned();
        let n = blocks.len();
        blocks.push(Block::Field(Field {
            id: format!("set-{n}"),
            group: group.to_string(),
            key: key.to_string(),
            reset: reset_of(editable, group, key, &leaf.path, layers.database),
            path: leaf.path,
            in_map: leaf.in_map,
            label: leaf.label,
            description: leaf.description,
            kind: leaf.kind,
            suggestions: leaf.suggestions,
            effect: leaf.effect,
            widget: leaf.widget,
            current,
            source,
            depth: leaf.depth,
            editable,
            subgroup: leaf.subgroup,
        }));
    }

    /// The fields of `tab`, without the sections.
    pub fn fields(&self, tab: SettingsTab) -> Vec<Field> {
        self.blocks(tab)
            .into_iter()
            .filter_map(|b| match b {
                Block::Field(f) => Some(f),
                Block::Section(_) => None,
            })
            .collect()
    }

    /// The delete a "Reset to default" button with this id sends.
    pub fn reset_change(&self, tab: SettingsTab, id: &str) -> Option<ConfigChange> {
        self.blocks(tab).into_iter().find_map(|b| match b {
            Block::Field(f) if f.id == id => f.reset,
            Block::Section(s) if s.id == id => s.reset,
            _ => None,
        })
    }
}

/// Gives every field of a tab its own label (ui.md §5: labelled controls, and a label picks one
/// control): a label already used by an earlier field of the tab gets its mailer adapter or the
/// title of the section it sits in (`Name (Primary)`), and the setting's address when that is
/// still taken. The first
/// field keeps the plain label, so the usual one (`:instance` `:name` on the Instance tab) reads
/// as before.
fn qualify_repeated_labels(blocks: &mut [Block]) {
    let mut seen: Vec<String> = Vec::new();
    // Titles of the open sections, by depth.
    let mut sections: Vec<String> = Vec::new();
    for block in blocks.iter_mut() {
        match block {
            Block::Section(s) => {
                sections.truncate(s.depth);
                sections.push(s.title.clone());
            }
            Block::Field(f) => {
                if seen.iter().any(|l| l.eq_ignore_ascii_case(&f.label)) {
                    // Mailer options repeat per adapter: the adapter names them best.
                    let parent = f
                        .subgroup
                        .as_ref()
                        .or_else(|| {
                            sections
                                .get(..f.depth.min(sections.len()))
                                .and_then(|open| open.last())
                        })
                        .filter(|t| !t.eq_ignore_ascii_case(&f.label));
                    let mut label = match parent {
                        Some(title) => format!("{} ({title})", f.label),
                        None => format!("{} ({})", f.label, f.address()),
                    };
                    if seen.iter().any(|l| l.eq_ignore_ascii_case(&label)) {
                        label = format!("{} ({})", f.label, f.address());
                    }
                    f.label = label;
                }
                seen.push(f.label.clone());
            }
        }
    }
}

/// A leaf before its layers are looked up.
struct Leaf {
    path: Vec<String>,
    in_map: Vec<bool>,
    label: String,
    description: String,
    kind: DescriptionType,
    suggestions: Vec<Value>,
    effect: StewardEffect,
    widget: Widget,
    depth: usize,
    subgroup: Option<String>,
}

impl Leaf {
    fn of(
        child: &DescriptionChild,
        path: Vec<String>,
        in_map: Vec<bool>,
        widget: Widget,
        depth: usize,
    ) -> Leaf {
        Leaf {
            path,
            in_map,
            label: child.label.clone(),
            description: child.description.clone(),
            kind: child.kind.clone(),
            suggestions: child.suggestions.clone().unwrap_or_default(),
            effect: child.steward_effect,
            widget,
            depth,
            subgroup: child.subgroup.clone(),
        }
    }
}

/// "Reset to default" of the setting at `path` (config.md §10): only what the database stores.
/// A whole key is deleted; a subkey of a stored keyword list is deleted with `subkeys` (the top
/// level of the path, the only level `subkeys` reaches).
fn reset_of(
    editable: bool,
    group: &str,
    key: &str,
    path: &[String],
    database: Option<&ConfigItem>,
) -> Option<ConfigChange> {
    let stored = database.filter(|_| editable)?;
    let delete = |subkeys: Option<Vec<String>>| ConfigChange {
        group: group.to_string(),
        key: key.to_string(),
        value: None,
        delete: true,
        subkeys,
    };
    match path.first() {
        None => Some(delete(None)),
        Some(first) if stored.db.contains(first) => Some(delete(Some(vec![first.clone()]))),
        Some(_) => None,
    }
}

/// A field's edit: the widget it was edited with and its inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub widget: Widget,
    pub input: FieldInput,
}

/// The `POST /config` items that save the edits of a tab: per key (in form order), only the
/// changed leaves, as a nested keyword list; maps, full-key and full-subkey updates whole. A leaf
/// changed to no value is left out, except a whole key that is then deleted. `Err` lists
/// `(field id, problem)` for every field that can't be encoded.
pub fn build_changes(
    fields: &[Field],
    draft: impl Fn(&Field) -> Option<Draft>,
) -> Result<Vec<ConfigChange>, Vec<(String, String)>> {
    // (field, Some(encoded) when changed)
    let mut leaves: Vec<(&Field, Option<Option<Value>>)> = Vec::new();
    let mut errors = Vec::new();
    for field in fields {
        let changed = match draft(field) {
            Some(d) if field.editable => {
                let before = field.initial(d.widget);
                let widget = field.widget_for(d.widget);
                let same_json = widget == Widget::Json
                    && matches!(&d.input, FieldInput::Text(text) if !json_changes(field, text));
                if d.input == before || same_json {
                    None
                } else {
                    match encode(widget, &d.input) {
                        Ok(value) => Some(value),
                        Err(e) => {
                            errors.push((field.id.clone(), e));
                            None
                        }
                    }
                }
            }
            _ => None,
        };
        leaves.push((field, changed));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for (field, _) in &leaves {
        if !keys.contains(&(field.group.as_str(), field.key.as_str())) {
            keys.push((&field.group, &field.key));
        }
    }
    let mut changes = Vec::new();
    for (group, key) in keys {
        let of_key: Vec<&(&Field, Option<Option<Value>>)> = leaves
            .iter()
            .filter(|(f, _)| f.group == group && f.key == key)
            .collect();
        if !of_key.iter().any(|(_, c)| c.is_some()) {
            continue;
        }
        let change = |value: Option<Value>| ConfigChange {
            group: group.to_string(),
            key: key.to_string(),
            delete: value.is_none(),
            value,
            subkeys: None,
        };
        if let [(field, Some(value))] = of_key.as_slice() {
            if field.path.is_empty() {
                let blank = value
                    .as_ref()
                    .is_none_or(|v| v.as_str().is_some_and(|s| s.trim().is_empty()));
                if !blank {
                    changes.push(change(value.clone()));
                } else if field.source == Source::Database {
                    changes.push(change(None));
                }
                continue;
            }
        }
        let full = is_full_key_update(group, key);
        if let Some(value) = nest(group, key, &of_key, 0, full) {
            changes.push(change(Some(value)));
        }
    }
    Ok(changes)
}

/// The (partial) value of the subtree at `level` of `leaves`, which share their path up to it.
fn nest(
    group: &str,
    key: &str,
    leaves: &[&(&Field, Option<Option<Value>>)],
    level: usize,
    full: bool,
) -> Option<Value> {
    let changed = leaves.iter().any(|(_, c)| c.is_some());
    if !full && !changed {
        return None;
    }
    let in_map = leaves
        .first()
        .and_then(|(f, _)| f.in_map.get(level).copied())
        .unwrap_or(false);
    let mut names: Vec<&str> = Vec::new();
    for (field, _) in leaves {
        if let Some(name) = field.path.get(level) {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
    }
    let full_subkeys = if level == 0 {
        full_update_subkeys(group, key)
    } else {
        Vec::new()
    };
    let mut entries: Vec<(String, Value)> = Vec::new();
    for name in names {
        let below: Vec<&(&Field, Option<Option<Value>>)> = leaves
            .iter()
            .filter(|(f, _)| f.path.get(level).map(String::as_str) == Some(name))
            .copied()
            .collect();
        let value = match below.as_slice() {
            [(field, change)] if field.path.len() == level + 1 => match change {
                Some(value) => value.clone(),
                None if full => field.current.clone(),
                None => None,
            },
            _ => {
                let child_full = full
                    || below
                        .first()
                        .and_then(|(f, _)| f.in_map.get(level + 1).copied())
                        .unwrap_or(false)
                    || full_subkeys
                        .iter()
                        .any(|s| *s == name.trim_start_matches(':'));
                if full || below.iter().any(|(_, c)| c.is_some()) {
                    nest(group, key, &below, level + 1, child_full)
                } else {
                    None
                }
            }
        };
        if let Some(value) = value {
            entries.push((name.to_string(), value));
        }
    }
    if entries.is_empty() && !changed {
        return None;
    }
    if in_map {
        let mut map = Map::new();
        for (name, value) in entries {
            map.insert(name, value);
        }
        Some(Value::Object(map))
    } else {
        Some(Value::Array(
            entries
                .into_iter()
                .map(|(name, value)| tuple(vec![Value::String(name), value]))
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use serde_json::json;

    fn kind(names: &[&str]) -> DescriptionType {
        match names {
            [one] => DescriptionType::One((*one).into()),
            many => DescriptionType::Many(many.iter().map(|s| (*s).into()).collect()),
        }
    }

    fn child(key: &str, names: &[&str], suggestions: Option<Vec<Value>>) -> DescriptionChild {
        DescriptionChild {
            key: key.into(),
            label: crate::model::config::description::label_for(key),
            kind: kind(names),
            description: format!("About {key}."),
            suggestions,
            children: Vec::new(),
            subgroup: None,
            steward_effect: StewardEffect::Live,
        }
    }

    fn entry(key: Option<&str>, children: Vec<DescriptionChild>) -> SettingsEntry {
        SettingsEntry {
            description: DescriptionEntry {
                group: ":pleroma".into(),
                key: key.map(Into::into),
                label: "Entry".into(),
                kind: kind(&["group"]),
                description: "An entry.".into(),
                children,
                suggestions: None,
                steward_effect: StewardEffect::Live,
            },
            editable: true,
        }
    }

    fn config(key: &str, value: Value, db: &[&str]) -> ConfigItem {
        ConfigItem {
            group: ":pleroma".into(),
            key: key.into(),
            value,
            db: db.iter().map(|s| (*s).to_string()).collect(),
        }
    }

    fn screen(entries: Vec<SettingsEntry>, effective: Vec<ConfigItem>) -> SettingsScreen {
        SettingsScreen {
            entries,
            layers: ConfigLayers {
                defaults: effective.clone(),
                file: Vec::new(),
                database: Vec::new(),
                need_reboot: false,
                configurable_from_database: true,
            },
            effective,
        }
    }

    /// The server's side of a save: what `POST /config` stores and answers for `change`, by the
    /// same §2 conversion and §3 printing.
    fn api_answer(change: &ConfigChange) -> Value {
        let wire = serde_json::to_value(change).unwrap();
        ConfigValue::from_json(&wire["value"]).unwrap().to_json()
    }

    /// Edits the field labelled `label` in the tab of `:instance` (or the Advanced tab) with
    /// `input`, and returns the one change the save sends.
    fn save_one(
        screen: &SettingsScreen,
        tab: SettingsTab,
        label: &str,
        input: FieldInput,
    ) -> ConfigChange {
        let fields = screen.fields(tab);
        let target = fields.iter().find(|f| f.label == label).expect("field");
        let widget = target.widget;
        let changes = build_changes(&fields, |f| {
            (f.id == target.id).then(|| Draft {
                widget,
                input: input.clone(),
            })
        })
        .unwrap();
        assert_eq!(changes.len(), 1, "{changes:?}");
        changes.into_iter().next().unwrap()
    }

    /// One subkey of `:instance` edited with `input` (widget from `names`): the change is exactly
    /// `[{"tuple": [subkey, expected]}]`, and what the API stores and answers is the same.
    fn round_trip(
        names: &[&str],
        suggestions: Option<Vec<Value>>,
        current: Value,
        input: FieldInput,
        expected: Value,
    ) -> Widget {
        let s = screen(
            vec![entry(
                Some(":instance"),
                vec![
                    child(":sub", names, suggestions),
                    child(":name", &["string"], None),
                ],
            )],
            vec![config(
                ":instance",
                json!([{"tuple": [":sub", current]}, {"tuple": [":name", "steward"]}]),
                &[],
            )],
        );
        let change = save_one(&s, SettingsTab::Instance, "Sub", input);
        let wire = serde_json::to_value(&change).unwrap();
        assert_eq!(
            wire,
            json!({"group": ":pleroma", "key": ":instance", "value": [{"tuple": [":sub", expected.clone()]}]})
        );
        assert_eq!(api_answer(&change), json!([{"tuple": [":sub", expected]}]));
        s.fields(SettingsTab::Instance)[0].widget
    }

    #[test]
    fn settings_text_and_textarea_round_trip() {
        let w = round_trip(
            &["string"],
            None,
            json!("old"),
            FieldInput::Text("My instance".into()),
            json!("My instance"),
        );
        assert_eq!(w, Widget::Text);
        let w = round_trip(
            &["string", "atom"],
            None,
            json!("x"),
            FieldInput::Text(":info".into()),
            json!(":info"),
        );
        assert_eq!(w, Widget::Text);
        // Injection text is just text.
        round_trip(
            &["string"],
            None,
            json!(""),
            FieldInput::Text("<script>alert(1)</script>".into()),
            json!("<script>alert(1)</script>"),
        );
    }

    #[test]
    fn settings_switch_and_number_round_trip() {
        assert_eq!(
            round_trip(
                &["boolean"],
                None,
                json!(true),
                FieldInput::Bool(false),
                json!(false)
            ),
            Widget::Switch
        );
        assert_eq!(
            round_trip(
                &["integer"],
                None,
                json!(5000),
                FieldInput::Text(" 6000 ".into()),
                json!(6000)
            ),
            Widget::Number
        );
        assert_eq!(
            encode(Widget::Number, &FieldInput::Text("12a".into())),
            Err("The value must be a whole number".into())
        );
        assert_eq!(
            encode(Widget::Number, &FieldInput::Text("-1".into())),
            Err("The value can't be negative".into())
        );
        assert_eq!(
            encode(Widget::Number, &FieldInput::Text(String::new())),
            Ok(None)
        );
    }

    #[test]
    fn settings_atom_and_select_round_trip() {
        assert_eq!(
            round_trip(
                &["atom"],
                None,
                json!(":a"),
                FieldInput::Text("tlsv1.2".into()),
                json!(":tlsv1.2")
            ),
            Widget::Atom
        );
        assert_eq!(
            decode(Widget::Atom, Some(&json!(":info"))),
            Some(FieldInput::Text("info".into()))
        );
        assert!(encode(Widget::Atom, &FieldInput::Text("a b".into())).is_err());
        let modules = Some(vec![
            json!("Swoosh.Adapters.Local"),
            json!("Swoosh.Adapters.SMTP"),
        ]);
        assert_eq!(
            round_trip(
                &["module"],
                modules,
                json!("Swoosh.Adapters.Local"),
                FieldInput::Text("Swoosh.Adapters.SMTP".into()),
                json!("Swoosh.Adapters.SMTP")
            ),
            Widget::Select
        );
        let dropdown = Some(vec![json!(":unauthenticated"), json!(":all"), json!(false)]);
        round_trip(
            &["dropdown", "atom"],
            dropdown.clone(),
            json!(":all"),
            FieldInput::Text("false".into()),
            json!(false),
        );
        round_trip(
            &["dropdown", "atom"],
            dropdown,
            json!(false),
            FieldInput::Text(":all".into()),
            json!(":all"),
        );
    }

    #[test]
    fn settings_lists_round_trip() {
        let privileges = Some(vec![json!(":users_read"), json!(":users_delete")]);
        assert_eq!(
            round_trip(
                &["list", "atom"],
                privileges,
                json!([":users_read"]),
                FieldInput::List(vec![":users_read".into(), ":users_delete".into()]),
                json!([":users_read", ":users_delete"])
            ),
            Widget::Checklist
        );
        assert_eq!(
            round_trip(
                &["list", "module"],
                None,
                json!([]),
                FieldInput::List(vec![
                    "Pleroma.Web.ActivityPub.MRF.TagPolicy".into(),
                    " ".into()
                ]),
                json!(["Pleroma.Web.ActivityPub.MRF.TagPolicy"])
            ),
            Widget::Tags
        );
        round_trip(
            &["list", "string"],
            None,
            json!(["a"]),
            FieldInput::List(vec![]),
            json!([]),
        );
        // Regexes are validated and come back normalised, as the API prints them.
        let w = round_trip(
            &["regex", "string"],
            None,
            json!([]),
            FieldInput::List(vec!["~r/https:\\/\\/x/i".into()]),
            json!(["~r/https:\\/\\/x/i"]),
        );
        assert_eq!(w, Widget::Tags);
        assert_eq!(
            encode(Widget::Tags, &FieldInput::List(vec!["~r/abc".into()])),
            Err("invalid regex ~r/abc".into())
        );
    }

    #[test]
    fn settings_rows_and_tuples_round_trip() {
        let w = round_trip(
            &["keyword"],
            None,
            json!([]),
            FieldInput::Rows(vec![
                ("level".into(), ":info".into()),
                (":max".into(), "3".into()),
                (String::new(), "ignored".into()),
            ]),
            json!([{"tuple": [":level", ":info"]}, {"tuple": [":max", 3]}]),
        );
        assert_eq!(w, Widget::KeywordRows);
        let w = round_trip(
            &["map"],
            None,
            json!({}),
            FieldInput::Rows(vec![
                (":a".into(), "true".into()),
                ("b c".into(), "plain text".into()),
            ]),
            json!({":a": true, "b c": "plain text"}),
        );
        assert_eq!(w, Widget::MapRows);
        assert!(encode(
            Widget::MapRows,
            &FieldInput::Rows(vec![("a".into(), "1".into()), ("a".into(), "2".into())])
        )
        .is_err());
        let w = round_trip(
            &["tuple"],
            None,
            json!({"tuple": [":a", 1]}),
            FieldInput::Parts(vec![":b".into(), "2".into()]),
            json!({"tuple": [":b", 2]}),
        );
        assert_eq!(w, Widget::Tuple);
        let w = round_trip(
            &["string", "tuple"],
            None,
            json!({"tuple": ["Old", "old@example.com"]}),
            FieldInput::Parts(vec!["Staff".into(), "staff@example.com".into()]),
            json!({"tuple": ["Staff", "staff@example.com"]}),
        );
        assert_eq!(w, Widget::Sender);
        assert_eq!(
            round_trip(
                &["string", "image"],
                None,
                json!("/a.png"),
                FieldInput::Text("/b.png".into()),
                json!("/b.png")
            ),
            Widget::Image
        );
    }

    #[test]
    fn settings_optional_and_json_round_trip() {
        assert_eq!(
            round_trip(
                &["string", "boolean"],
                None,
                json!(false),
                FieldInput::Optional {
                    on: true,
                    value: "Welcome".into()
                },
                json!("Welcome")
            ),
            Widget::Optional
        );
        round_trip(
            &["integer", "boolean"],
            None,
            json!(3),
            FieldInput::Optional {
                on: false,
                value: "3".into(),
            },
            json!(false),
        );
        let w = round_trip(
            &["atom", "tuple", "module"],
            None,
            json!([":console"]),
            FieldInput::Text(
                "[\":console\", {\"tuple\": [\"ExSyslogger\", \":ex_syslogger\"]}]".into(),
            ),
            json!([":console", {"tuple": ["ExSyslogger", ":ex_syslogger"]}]),
        );
        assert_eq!(w, Widget::Json);
        assert!(encode(Widget::Json, &FieldInput::Text("{nope".into()))
            .unwrap_err()
            .starts_with("not valid JSON"));
        assert_eq!(
            encode(Widget::Json, &FieldInput::Text("\"~r/abc\"".into())),
            Err("invalid regex ~r/abc".into())
        );
    }

    #[test]
    fn settings_rate_limit_and_proxy_round_trip() {
        let s = screen(
            vec![entry(
                Some(":rate_limit"),
                vec![
                    child(":authentication", &["tuple", "list"], None),
                    child(":search", &["tuple", "list"], None),
                ],
            )],
            vec![config(
                ":rate_limit",
                json!([{"tuple": [":authentication", {"tuple": [60000, 15]}]}]),
                &[],
            )],
        );
        let fields = s.fields(SettingsTab::RateLimits);
        assert!(fields.iter().all(|f| f.widget == Widget::RateLimit));
        assert_eq!(
            fields[0].initial(Widget::RateLimit),
            FieldInput::Parts(vec![
                "60000".into(),
                "15".into(),
                String::new(),
                String::new()
            ])
        );
        let change = save_one(
            &s,
            SettingsTab::RateLimits,
            "Authentication",
            FieldInput::Parts(vec![
                "30000".into(),
                "5".into(),
                String::new(),
                String::new(),
            ]),
        );
        assert_eq!(
            api_answer(&change),
            json!([{"tuple": [":authentication", {"tuple": [30000, 5]}]}])
        );
        let change = save_one(
            &s,
            SettingsTab::RateLimits,
            "Search",
            FieldInput::Parts(vec!["1000".into(), "10".into(), "1000".into(), "50".into()]),
        );
        assert_eq!(
            serde_json::to_value(&change).unwrap()["value"],
            json!([{"tuple": [":search", [{"tuple": [1000, 10]}, {"tuple": [1000, 50]}]]}])
        );
        assert_eq!(
            api_answer(&change),
            serde_json::to_value(&change).unwrap()["value"]
        );
        assert!(encode(
            Widget::RateLimit,
            &FieldInput::Parts(vec![
                "1".into(),
                String::new(),
                String::new(),
                String::new()
            ])
        )
        .is_err());
        let proxy = encode(
            Widget::ProxyUrl,
            &FieldInput::Parts(vec!["socks5".into(), "localhost".into(), "9050".into()]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(proxy, json!({"tuple": [":socks5", "localhost", 9050]}));
        assert_eq!(
            decode(Widget::ProxyUrl, Some(&proxy)),
            Some(FieldInput::Parts(vec![
                "socks5".into(),
                "localhost".into(),
                "9050".into()
            ]))
        );
    }

    #[test]
    fn settings_only_changed_subkeys_are_sent() {
        let s = screen(
            vec![entry(
                Some(":instance"),
                vec![
                    child(":name", &["string"], None),
                    child(":limit", &["integer"], None),
                    child(":registrations_open", &["boolean"], None),
                ],
            )],
            vec![config(
                ":instance",
                json!([{"tuple": [":name", "steward"]}, {"tuple": [":limit", 5000]}]),
                &[],
            )],
        );
        let fields = s.fields(SettingsTab::Instance);
        // Unchanged drafts send nothing.
        let none = build_changes(&fields, |f| {
            Some(Draft {
                widget: f.widget,
                input: f.initial(f.widget),
            })
        })
        .unwrap();
        assert!(none.is_empty());
        let change = save_one(
            &s,
            SettingsTab::Instance,
            "Name",
            FieldInput::Text("x".into()),
        );
        assert_eq!(
            serde_json::to_value(&change).unwrap(),
            json!({"group": ":pleroma", "key": ":instance", "value": [{"tuple": [":name", "x"]}]})
        );
        // Registrations_open lives in another tab.
        assert!(fields.iter().all(|f| f.label != "Registrations open"));
        let errors = build_changes(&fields, |f| {
            (f.label == "Limit").then(|| Draft {
                widget: Widget::Number,
                input: FieldInput::Text("many".into()),
            })
        })
        .unwrap_err();
        assert_eq!(
            errors,
            vec![(
                fields[1].id.clone(),
                "The value must be a whole number".to_string()
            )]
        );
    }

    #[test]
    fn settings_nested_keywords_and_maps() {
        let mut totp = child(":totp", &["keyword"], None);
        totp.children = vec![
            child(":digits", &["integer"], None),
            child(":period", &["integer"], None),
        ];
        let mut mfa = child(":multi_factor_authentication", &["keyword"], None);
        mfa.children = vec![totp];
        let mut polls = child(":poll_limits", &["map"], None);
        polls.children = vec![
            child(":max_options", &["integer"], None),
            child(":max_option_chars", &["integer"], None),
        ];
        let s = screen(
            vec![
                entry(
                    Some(":instance"),
                    vec![polls, child(":name", &["string"], None)],
                ),
                entry(Some(":auth_like"), vec![mfa]),
            ],
            vec![config(
                ":instance",
                json!([{"tuple": [":poll_limits", {":max_options": 20, ":max_option_chars": 200}]}]),
                &[],
            )],
        );
        // A map is sent whole: the server replaces maps.
        let change = save_one(
            &s,
            SettingsTab::Instance,
            "Max options",
            FieldInput::Text("5".into()),
        );
        assert_eq!(
            serde_json::to_value(&change).unwrap()["value"],
            json!([{"tuple": [":poll_limits", {":max_options": 5, ":max_option_chars": 200}]}])
        );
        assert_eq!(
            api_answer(&change),
            serde_json::to_value(&change).unwrap()["value"]
        );
        // A nested keyword list sends only the changed leaf; the server merges it.
        let change = save_one(
            &s,
            SettingsTab::Advanced,
            "Digits",
            FieldInput::Text("8".into()),
        );
        assert_eq!(
            serde_json::to_value(&change).unwrap()["value"],
            json!([{"tuple": [":multi_factor_authentication", [{"tuple": [":totp", [{"tuple": [":digits", 8]}]]}]]}])
        );
        assert_eq!(
            api_answer(&change),
            serde_json::to_value(&change).unwrap()["value"]
        );
        let blocks = s.blocks(SettingsTab::Advanced);
        assert!(
            matches!(&blocks[1], Block::Section(sec) if sec.title == "Multi factor authentication" && sec.depth == 1)
        );
        assert!(matches!(&blocks[3], Block::Field(f) if f.depth == 3 && f.path.len() == 3));
    }

    #[test]
    fn settings_group_keys_sources_and_resets() {
        let s = SettingsScreen {
            entries: vec![
                entry(None, vec![child(":admin_token", &["string"], None)]),
                entry(
                    Some(":instance"),
                    vec![
                        child(":name", &["string"], None),
                        child(":email", &["string"], None),
                        child(":description", &["string"], None),
                    ],
                ),
            ],
            layers: ConfigLayers {
                defaults: vec![config(
                    ":instance",
                    json!([{"tuple": [":name", "steward"]}, {"tuple": [":email", ""]}, {"tuple": [":description", ""]}]),
                    &[],
                )],
                file: vec![config(
                    ":instance",
                    json!([{"tuple": [":email", "a@b.c"]}]),
                    &[],
                )],
                database: vec![
                    config(
                        ":instance",
                        json!([{"tuple": [":name", "Mine"]}]),
                        &[":name"],
                    ),
                    config(":admin_token", json!("secret"), &[":admin_token"]),
                ],
                need_reboot: false,
                configurable_from_database: true,
            },
            effective: vec![
                config(
                    ":instance",
                    json!([{"tuple": [":name", "Mine"]}, {"tuple": [":email", "a@b.c"]}, {"tuple": [":description", ""]}]),
                    &[":name"],
                ),
                config(":admin_token", json!("secret"), &[":admin_token"]),
            ],
        };
        let fields = s.fields(SettingsTab::Instance);
        let by = |label: &str| fields.iter().find(|f| f.label == label).unwrap().clone();
        assert_eq!(by("Name").source, Source::Database);
        assert_eq!(by("Email").source, Source::File);
        assert_eq!(by("Description").source, Source::Default);
        assert_eq!(by("Name").current, Some(json!("Mine")));
        let reset = by("Name").reset.unwrap();
        assert_eq!(
            serde_json::to_value(&reset).unwrap(),
            json!({"group": ":pleroma", "key": ":instance", "delete": true, "subkeys": [":name"]})
        );
        assert!(by("Email").reset.is_none());
        assert_eq!(
            s.reset_change(SettingsTab::Instance, &by("Name").id),
            Some(reset)
        );
        // A group's child is a key of its own: saved and reset as a whole value.
        let token = s.fields(SettingsTab::Authentication);
        assert_eq!(token[0].key, ":admin_token");
        assert_eq!(
            serde_json::to_value(token[0].reset.clone().unwrap()).unwrap(),
            json!({"group": ":pleroma", "key": ":admin_token", "delete": true})
        );
        let change = save_one(
            &s,
            SettingsTab::Authentication,
            "Admin token",
            FieldInput::Text("other".into()),
        );
        assert_eq!(
            serde_json::to_value(&change).unwrap(),
            json!({"group": ":pleroma", "key": ":admin_token", "value": "other"})
        );
        // Emptying a stored whole value deletes it instead of sending a blank value.
        let change = save_one(
            &s,
            SettingsTab::Authentication,
            "Admin token",
            FieldInput::Text(String::new()),
        );
        assert_eq!(
            serde_json::to_value(&change).unwrap(),
            json!({"group": ":pleroma", "key": ":admin_token", "delete": true})
        );
        // A read-only entry sends nothing.
        let mut locked = s.clone();
        locked.entries[1].editable = false;
        let fields = locked.fields(SettingsTab::Instance);
        assert!(fields.iter().all(|f| !f.editable && f.reset.is_none()));
        assert!(build_changes(&fields, |f| Some(Draft {
            widget: f.widget,
            input: FieldInput::Text("x".into())
        }))
        .unwrap()
        .is_empty());
    }

    #[test]
    fn settings_values_that_do_not_fit_fall_back_to_json() {
        let s = screen(
            vec![entry(
                Some(":instance"),
                vec![child(":limit", &["integer"], None)],
            )],
            vec![config(
                ":instance",
                json!([{"tuple": [":limit", "lots"]}]),
                &[],
            )],
        );
        let field = &s.fields(SettingsTab::Instance)[0];
        assert_eq!(field.widget_for(field.widget), Widget::Json);
        assert_eq!(
            field.initial(field.widget),
            FieldInput::Text("\"lots\"".into())
        );
        assert_eq!(loose_value("12"), json!(12));
        assert_eq!(loose_value("plain"), json!("plain"));
        assert_eq!(loose_text(&json!("12")), "\"12\"");
        assert_eq!(loose_text(&json!("plain")), "plain");
    }

    #[test]
    fn settings_privilege_matrix_writes_the_two_lists() {
        use super::privileges::{cell_label, matrix_rows, privilege_list, toggle_privilege, Role};
        let all = vec![
            json!(":users_read"),
            json!(":users_delete"),
            json!(":messages_delete"),
        ];
        let s = screen(
            vec![entry(
                Some(":instance"),
                vec![
                    child(":admin_privileges", &["list", "atom"], Some(all.clone())),
                    child(":moderator_privileges", &["list", "atom"], Some(all)),
                ],
            )],
            vec![config(
                ":instance",
                json!([
                    {"tuple": [":admin_privileges", [":users_read", ":users_delete", ":messages_delete"]]},
                    {"tuple": [":moderator_privileges", [":messages_delete", ":custom_thing"]]}
                ]),
                &[],
            )],
        );
        let fields = s.fields(SettingsTab::Roles);
        let admin = fields
            .iter()
            .find(|f| privilege_list(f) == Some(Role::Admin))
            .unwrap();
        let moderator = fields
            .iter()
            .find(|f| privilege_list(f) == Some(Role::Moderator))
            .unwrap();
        assert_eq!(admin.widget, Widget::Checklist);
        let (a0, m0) = (
            admin.initial(admin.widget),
            moderator.initial(moderator.widget),
        );
        // Suggestions first, then what a list holds that nobody suggests.
        let rows = matrix_rows(admin, moderator, &[&a0, &m0]);
        assert_eq!(
            rows,
            [
                ":users_read",
                ":users_delete",
                ":messages_delete",
                ":custom_thing"
            ]
        );
        assert_eq!(
            cell_label(Role::Moderator, ":users_delete"),
            "Moderator: users_delete"
        );
        let FieldInput::List(m_before) = m0.clone() else {
            panic!()
        };
        let FieldInput::List(a_before) = a0.clone() else {
            panic!()
        };

        // Ticking and unticking gives the starting list back: no change.
        let on = toggle_privilege(&m_before, &m_before, &rows, ":users_delete", true);
        assert_eq!(on, [":users_delete", ":messages_delete", ":custom_thing"]);
        assert_eq!(
            toggle_privilege(&on, &m_before, &rows, ":users_delete", false),
            m_before
        );

        // Moderators get users_delete, admins lose messages_delete: one change, the two lists as
        // lists of atoms, exactly what POST /config stores.
        let off = toggle_privilege(&a_before, &a_before, &rows, ":messages_delete", false);
        let changes = build_changes(&fields, |f| {
            let input = match privilege_list(f)? {
                Role::Admin => FieldInput::List(off.clone()),
                Role::Moderator => FieldInput::List(on.clone()),
            };
            Some(Draft {
                widget: f.widget,
                input,
            })
        })
        .unwrap();
        assert_eq!(changes.len(), 1);
        let expected = json!([
            {"tuple": [":admin_privileges", [":users_read", ":users_delete"]]},
            {"tuple": [":moderator_privileges", [":users_delete", ":messages_delete", ":custom_thing"]]}
        ]);
        assert_eq!(
            serde_json::to_value(&changes[0]).unwrap()["value"],
            expected
        );
        assert_eq!(api_answer(&changes[0]), expected);

        // Unchanged boxes send nothing.
        assert!(build_changes(&fields, |f| Some(Draft {
            widget: f.widget,
            input: f.initial(f.widget),
        }))
        .unwrap()
        .is_empty());
    }

    #[test]
    fn settings_json_editor_validates_and_saves_the_api_encoding() {
        let s = screen(
            vec![entry(
                Some(":instance"),
                vec![
                    child(":name", &["string"], None),
                    child(":limit", &["integer"], None),
                ],
            )],
            vec![config(
                ":instance",
                json!([{"tuple": [":name", "steward"]}, {"tuple": [":limit", 5000]}]),
                &[],
            )],
        );
        let fields = s.fields(SettingsTab::Instance);
        let limit = fields.iter().find(|f| f.label == "Limit").unwrap();
        // The box starts with the widget's value as JSON.
        assert_eq!(
            json_text_of(limit, Widget::Number, &FieldInput::Text("6000".into())),
            "6000"
        );
        assert_eq!(
            json_text_of(limit, Widget::Number, &FieldInput::Text("6x".into())),
            "5000"
        );
        // Bad JSON and values the §2 conversion refuses are errors; reformatting is no change.
        assert!(check_json("{\"tuple\": [1,")
            .unwrap_err()
            .starts_with("not valid JSON"));
        assert!(check_json("\"~r/abc\"").is_err());
        assert_eq!(check_json("  ").unwrap(), None);
        assert_eq!(check_json("[\":a\", 1]").unwrap(), Some(json!([":a", 1])));
        assert!(!json_changes(limit, " 5000\n"));
        assert!(json_changes(limit, "6000"));
        assert!(json_changes(limit, "60 00"));

        let save = |text: &str| {
            build_changes(&fields, |f| {
                (f.id == limit.id).then(|| Draft {
                    widget: Widget::Json,
                    input: FieldInput::Text(text.into()),
                })
            })
        };
        let changes = save("6000").unwrap();
        assert_eq!(
            serde_json::to_value(&changes).unwrap(),
            json!([{"group": ":pleroma", "key": ":instance", "value": [{"tuple": [":limit", 6000]}]}])
        );
        // A value the widget could not show is still sent as typed (a tuple here).
        let changes = save("{\"tuple\": [\":a\", 1]}").unwrap();
        assert_eq!(
            api_answer(&changes[0]),
            json!([{"tuple": [":limit", {"tuple": [":a", 1]}]}])
        );
        assert!(save("5000").unwrap().is_empty());
        let refused = save("{oops").unwrap_err();
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].0, limit.id);
        assert!(save("\"~r/(\"").is_err());
    }

    #[test]
    fn settings_rate_limit_two_pairs_round_trip() {
        let two = json!([{"tuple": [10000, 10]}, {"tuple": [10000, 50]}]);
        let s = screen(
            vec![entry(
                Some(":rate_limit"),
                vec![child(":search", &["tuple", "list"], None)],
            )],
            vec![config(
                ":rate_limit",
                json!([{"tuple": [":search", two.clone()]}]),
                &[],
            )],
        );
        let field = &s.fields(SettingsTab::RateLimits)[0];
        assert_eq!(field.widget_for(field.widget), Widget::RateLimit);
        let shown = field.initial(field.widget);
        assert_eq!(
            shown,
            FieldInput::Parts(vec![
                "10000".into(),
                "10".into(),
                "10000".into(),
                "50".into()
            ])
        );
        // Unchanged: nothing sent. Changed: both pairs sent and stored as they were given.
        assert_eq!(
            encode(Widget::RateLimit, &shown).unwrap(),
            Some(two.clone())
        );
        let change = save_one(
            &s,
            SettingsTab::RateLimits,
            "Search",
            FieldInput::Parts(vec![
                "10000".into(),
                "10".into(),
                "20000".into(),
                "60".into(),
            ]),
        );
        let sent =
            json!([{"tuple": [":search", [{"tuple": [10000, 10]}, {"tuple": [20000, 60]}]]}]);
        assert_eq!(serde_json::to_value(&change).unwrap()["value"], sent);
        assert_eq!(api_answer(&change), sent);
        // What the API answers reads back into the same four inputs.
        let back = lookup(&api_answer(&change), &[":search".to_string()]).cloned();
        assert_eq!(
            decode(Widget::RateLimit, back.as_ref()),
            Some(FieldInput::Parts(vec![
                "10000".into(),
                "10".into(),
                "20000".into(),
                "60".into()
            ]))
        );
    }

    #[test]
    fn settings_repeated_labels_are_qualified() {
        let mut frontends = child(":frontends", &["keyword"], None);
        frontends.children = vec![child(":name", &["string"], None)];
        let s = screen(
            vec![entry(
                Some(":instance"),
                vec![child(":name", &["string"], None), frontends],
            )],
            vec![],
        );
        let labels: Vec<String> = s
            .fields(SettingsTab::Instance)
            .into_iter()
            .map(|f| f.label)
            .collect();
        assert_eq!(labels, ["Name", "Name (Frontends)"]);
    }
}
