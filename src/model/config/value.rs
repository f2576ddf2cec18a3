//! The config store's value model (config.md §2) and its two JSON conversions: incoming JSON →
//! [`ConfigValue`] ([`ConfigValue::from_json`], §2) and [`ConfigValue`] → JSON
//! ([`ConfigValue::to_json`], §3). Values are stored in the database in their §3 JSON form, so a
//! stored value converts back through [`ConfigValue::from_json`] to the same value.

use serde_json::{Map, Number, Value};

/// One value of Pleroma's config store, as Elixir would hold it.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigValue {
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    String(String),
    /// An atom, by name without the colon (`info` for `:info`).
    Atom(String),
    /// A module name (`Pleroma.Upload`).
    Module(String),
    /// A regex as written between its delimiters (escapes kept), with its flags.
    Regex {
        pattern: String,
        flags: String,
    },
    Tuple(Vec<ConfigValue>),
    List(Vec<ConfigValue>),
    /// A map in the order it was given.
    Map(Vec<(MapKey, ConfigValue)>),
}

/// A map key: `":k"` becomes an atom key, anything else stays a string key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapKey {
    Atom(String),
    String(String),
}

impl MapKey {
    fn from_json(key: &str) -> MapKey {
        match key.strip_prefix(':') {
            Some(name) if !name.is_empty() => MapKey::Atom(name.to_string()),
            _ => MapKey::String(key.to_string()),
        }
    }

    /// The JSON object key (`":k"` for atoms).
    pub fn to_json(&self) -> String {
        match self {
            MapKey::Atom(name) => format!(":{name}"),
            MapKey::String(s) => s.clone(),
        }
    }
}

/// Why an incoming value could not be converted (the `<problem>` of POST /config's 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConversionError {
    /// `~r…` without a known delimiter, without a closing delimiter, or with a bad flag.
    InvalidRegex(String),
    /// An `:args` element with `{`/`}` that is not a tuple literal.
    InvalidTupleLiteral(String),
    /// `{:proxy_url, {type, host, port}}` with a host that is not a string or a port that is not
    /// an integer.
    InvalidProxyUrl,
    /// A JSON number outside the 64-bit integer range.
    IntegerOutOfRange(String),
}

impl std::fmt::Display for ConversionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConversionError::InvalidRegex(s) => write!(f, "invalid regex {s}"),
            ConversionError::InvalidTupleLiteral(s) => write!(f, "invalid tuple literal {s}"),
            ConversionError::InvalidProxyUrl => f.write_str(
                "invalid :proxy_url, expected {\"tuple\": [type, host, port]} with a string host and an integer port",
            ),
            ConversionError::IntegerOutOfRange(s) => write!(f, "integer out of range {s}"),
        }
    }
}

impl std::error::Error for ConversionError {}

/// Prefixes that make a string a module name (config.md §2).
const MODULE_PREFIXES: [&str; 6] = [
    "Pleroma.",
    "Phoenix.",
    "Tesla.",
    "Quack.",
    "Ueberauth.",
    "Swoosh.",
];

/// Names that are modules on their own.
const MODULE_NAMES: [&str; 3] = ["Oban", "Ueberauth", "ExSyslogger"];

/// Regex flags Elixir accepts.
const REGEX_FLAGS: &str = "uismxfU";

impl ConfigValue {
    /// Converts an incoming JSON value (config.md §2). Errors name the offending text.
    pub fn from_json(json: &Value) -> Result<ConfigValue, ConversionError> {
        convert(json, true)
    }

    /// Converts a value read back from storage. Stored values were converted on the way in, so
    /// this never fails for them; for a hand-edited row it degrades instead of failing (a bad
    /// regex stays a string, an out-of-range number becomes a float) so reads never break.
    pub fn from_stored_json(json: &Value) -> ConfigValue {
        convert(json, false).unwrap_or(ConfigValue::Null)
    }

    /// The JSON form (config.md §3).
    pub fn to_json(&self) -> Value {
        match self {
            ConfigValue::Null => Value::Null,
            ConfigValue::Bool(b) => Value::Bool(*b),
            ConfigValue::Integer(i) => Value::Number(Number::from(*i)),
            ConfigValue::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
            ConfigValue::String(s) | ConfigValue::Module(s) => Value::String(s.clone()),
            ConfigValue::Atom(name) => Value::String(format!(":{name}")),
            ConfigValue::Regex { pattern, flags } => {
                Value::String(format!("~r/{}/{flags}", escape_slashes(pattern)))
            }
            ConfigValue::Tuple(items) => {
                let elements: Vec<Value> = match items.as_slice() {
                    // `{:args, [...]}`: tuple arguments are printed back as literals.
                    [ConfigValue::Atom(tag), ConfigValue::List(args)] if tag == "args" => {
                        vec![
                            Value::String(":args".into()),
                            Value::Array(
                                args.iter()
                                    .map(|arg| match literal(arg) {
                                        Some(text) => Value::String(text),
                                        None => arg.to_json(),
                                    })
                                    .collect(),
                            ),
                        ]
                    }
                    _ => items.iter().map(ConfigValue::to_json).collect(),
                };
                let mut object = Map::new();
                object.insert("tuple".into(), Value::Array(elements));
                Value::Object(object)
            }
            ConfigValue::List(items) => Value::Array(items.iter().map(Self::to_json).collect()),
            ConfigValue::Map(entries) => {
                let mut object = Map::new();
                for (key, value) in entries {
                    object.insert(key.to_json(), value.to_json());
                }
                Value::Object(object)
            }
        }
    }

    /// The key of a keyword-list entry: a 2-tuple whose first element is an atom.
    pub fn keyword_key(&self) -> Option<&str> {
        match self {
            ConfigValue::Tuple(items) => match items.as_slice() {
                [ConfigValue::Atom(name), _] => Some(name),
                _ => None,
            },
            _ => None,
        }
    }

    /// The `(key, value)` entries of a keyword list, or `None` when this is not one. The empty
    /// list counts as a keyword list.
    pub fn keyword_entries(&self) -> Option<Vec<(&str, &ConfigValue)>> {
        let ConfigValue::List(items) = self else {
            return None;
        };
        items
            .iter()
            .map(|item| match item {
                ConfigValue::Tuple(pair) => match pair.as_slice() {
                    [ConfigValue::Atom(name), value] => Some((name.as_str(), value)),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    /// Whether this is a keyword list (config.md §2).
    pub fn is_keyword_list(&self) -> bool {
        self.keyword_entries().is_some()
    }

    /// The value of `key` (atom name without the colon) in a keyword list (first occurrence).
    pub fn keyword_get(&self, key: &str) -> Option<&ConfigValue> {
        self.keyword_entries()?
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    /// A keyword-list entry `{:key, value}`.
    pub fn keyword_entry(key: &str, value: ConfigValue) -> ConfigValue {
        ConfigValue::Tuple(vec![ConfigValue::Atom(key.to_string()), value])
    }
}

fn convert(json: &Value, strict: bool) -> Result<ConfigValue, ConversionError> {
    Ok(match json {
        Value::Null => ConfigValue::Null,
        Value::Bool(b) => ConfigValue::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                ConfigValue::Integer(i)
            } else if n.is_u64() {
                if strict {
                    return Err(ConversionError::IntegerOutOfRange(n.to_string()));
                }
                ConfigValue::Float(n.as_f64().unwrap_or(0.0))
            } else {
                ConfigValue::Float(n.as_f64().unwrap_or(0.0))
            }
        }
        Value::String(s) => convert_string(s, strict)?,
        Value::Array(items) => ConfigValue::List(
            items
                .iter()
                .map(|item| convert(item, strict))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(object) => match object.get("tuple") {
            Some(Value::Array(elements)) => convert_tuple(elements, strict)?,
            _ => ConfigValue::Map(
                object
                    .iter()
                    .map(|(k, v)| Ok((MapKey::from_json(k), convert(v, strict)?)))
                    .collect::<Result<_, ConversionError>>()?,
            ),
        },
    })
}

fn convert_string(raw: &str, strict: bool) -> Result<ConfigValue, ConversionError> {
    let s = raw.trim();
    if s.starts_with("~r") {
        return match parse_regex(s) {
            Some(regex) => Ok(regex),
            None if strict => Err(ConversionError::InvalidRegex(s.to_string())),
            None => Ok(ConfigValue::String(s.to_string())),
        };
    }
    if let Some(name) = s.strip_prefix(':') {
        if !name.is_empty() {
            return Ok(ConfigValue::Atom(name.to_string()));
        }
    }
    if MODULE_NAMES.contains(&s) || MODULE_PREFIXES.iter().any(|p| s.starts_with(p)) {
        return Ok(ConfigValue::Module(s.to_string()));
    }
    Ok(ConfigValue::String(s.to_string()))
}

/// `~r<delimiter><pattern><closing delimiter><flags>`; the pattern runs to the last closing
/// delimiter.
fn parse_regex(s: &str) -> Option<ConfigValue> {
    let rest = s.strip_prefix("~r")?;
    let mut chars = rest.chars();
    let open = chars.next()?;
    let close = match open {
        '/' | '|' | '"' | '\'' => open,
        '(' => ')',
        '[' => ']',
        '{' => '}',
        '<' => '>',
        _ => return None,
    };
    let body = chars.as_str();
    let end = body.rfind(close)?;
    let pattern = &body[..end];
    let flags = &body[end + close.len_utf8()..];
    if !flags.chars().all(|c| REGEX_FLAGS.contains(c)) {
        return None;
    }
    Some(ConfigValue::Regex {
        pattern: pattern.to_string(),
        flags: flags.to_string(),
    })
}

/// Writes every unescaped `/` of a pattern as `\/`.
fn escape_slashes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push('\\');
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '/' => out.push_str("\\/"),
            other => out.push(other),
        }
    }
    out
}

fn convert_tuple(elements: &[Value], strict: bool) -> Result<ConfigValue, ConversionError> {
    if let [Value::String(tag), second] = elements {
        match (tag.trim(), second) {
            (":args", Value::Array(args)) => {
                let args = args
                    .iter()
                    .map(|arg| match arg {
                        Value::String(text) if text.contains(['{', '}']) => {
                            match parse_literal(text.trim()) {
                                Some(tuple) => Ok(tuple),
                                None if strict => {
                                    Err(ConversionError::InvalidTupleLiteral(text.to_string()))
                                }
                                None => Ok(ConfigValue::String(text.to_string())),
                            }
                        }
                        other => convert(other, strict),
                    })
                    .collect::<Result<_, _>>()?;
                return Ok(ConfigValue::Tuple(vec![
                    ConfigValue::Atom("args".into()),
                    ConfigValue::List(args),
                ]));
            }
            (":proxy_url", Value::Object(inner)) => {
                if let Some(Value::Array(parts)) = inner.get("tuple") {
                    if let [kind, host, port] = parts.as_slice() {
                        return proxy_url(kind, host, port, strict);
                    }
                }
            }
            (":partial_chain", Value::String(entity)) => {
                return Ok(ConfigValue::Tuple(vec![
                    ConfigValue::Atom("partial_chain".into()),
                    ConfigValue::String(entity.clone()),
                ]));
            }
            _ => {}
        }
    }
    Ok(ConfigValue::Tuple(
        elements
            .iter()
            .map(|e| convert(e, strict))
            .collect::<Result<_, _>>()?,
    ))
}

/// `{:proxy_url, {type, host, port}}`: the host is kept as given, the port is an integer (a
/// string of digits is accepted).
fn proxy_url(
    kind: &Value,
    host: &Value,
    port: &Value,
    strict: bool,
) -> Result<ConfigValue, ConversionError> {
    let host = match host {
        Value::String(h) => ConfigValue::String(h.clone()),
        other if !strict => convert(other, strict)?,
        _ => return Err(ConversionError::InvalidProxyUrl),
    };
    let port = match port {
        Value::Number(n) if n.as_i64().is_some() => ConfigValue::Integer(n.as_i64().unwrap_or(0)),
        Value::String(p) if p.trim().parse::<i64>().is_ok() => {
            ConfigValue::Integer(p.trim().parse::<i64>().unwrap_or(0))
        }
        other if !strict => convert(other, strict)?,
        _ => return Err(ConversionError::InvalidProxyUrl),
    };
    Ok(ConfigValue::Tuple(vec![
        ConfigValue::Atom("proxy_url".into()),
        ConfigValue::Tuple(vec![convert(kind, strict)?, host, port]),
    ]))
}

/// Parses an Elixir tuple literal of quoted strings, atoms, integers and nested tuples
/// (`{"implode", "1"}`, `{:atom, 42}`). `None` when the whole text is not one.
fn parse_literal(text: &str) -> Option<ConfigValue> {
    let mut parser = LiteralParser {
        chars: text.chars().collect(),
        at: 0,
    };
    let value = parser.tuple()?;
    parser.skip_space();
    (parser.at == parser.chars.len()).then_some(value)
}

struct LiteralParser {
    chars: Vec<char>,
    at: usize,
}

impl LiteralParser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn tuple(&mut self) -> Option<ConfigValue> {
        if !self.eat('{') {
            return None;
        }
        let mut items = Vec::new();
        if self.eat('}') {
            return Some(ConfigValue::Tuple(items));
        }
        loop {
            items.push(self.element()?);
            if self.eat('}') {
                return Some(ConfigValue::Tuple(items));
            }
            if !self.eat(',') {
                return None;
            }
        }
    }

    fn element(&mut self) -> Option<ConfigValue> {
        self.skip_space();
        match self.peek()? {
            '{' => self.tuple(),
            '"' => self.quoted().map(ConfigValue::String),
            ':' => {
                self.at += 1;
                if self.peek() == Some('"') {
                    return self.quoted().map(ConfigValue::Atom);
                }
                let start = self.at;
                while self
                    .peek()
                    .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '@' | '.'))
                {
                    self.at += 1;
                }
                if self.peek().is_some_and(|c| c == '?' || c == '!') {
                    self.at += 1;
                }
                let name: String = self.chars[start..self.at].iter().collect();
                (!name.is_empty()).then_some(ConfigValue::Atom(name))
            }
            c if c == '-' || c.is_ascii_digit() => {
                let start = self.at;
                self.at += 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.at += 1;
                }
                let digits: String = self.chars[start..self.at].iter().collect();
                digits.parse::<i64>().ok().map(ConfigValue::Integer)
            }
            _ => None,
        }
    }

    /// A double-quoted string with backslash escapes (`\"`, `\\`, `\n`, `\t`, `\r`).
    fn quoted(&mut self) -> Option<String> {
        if self.peek() != Some('"') {
            return None;
        }
        self.at += 1;
        let mut out = String::new();
        loop {
            let c = self.peek()?;
            self.at += 1;
            match c {
                '"' => return Some(out),
                '\\' => {
                    let escaped = self.peek()?;
                    self.at += 1;
                    out.push(match escaped {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        other => other,
                    });
                }
                other => out.push(other),
            }
        }
    }
}

/// The Elixir literal of a tuple made only of strings, atoms, integers and such tuples, as
/// `inspect` prints it; `None` for anything else.
fn literal(value: &ConfigValue) -> Option<String> {
    match value {
        ConfigValue::Tuple(items) => {
            let parts = items
                .iter()
                .map(literal_element)
                .collect::<Option<Vec<_>>>()?;
            Some(format!("{{{}}}", parts.join(", ")))
        }
        _ => None,
    }
}

fn literal_element(value: &ConfigValue) -> Option<String> {
    match value {
        ConfigValue::String(s) => Some(quote(s)),
        ConfigValue::Integer(i) => Some(i.to_string()),
        ConfigValue::Atom(name) if is_plain_atom(name) => Some(format!(":{name}")),
        ConfigValue::Atom(name) => Some(format!(":{}", quote(name))),
        ConfigValue::Tuple(_) => literal(value),
        _ => None,
    }
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// Whether an atom prints without quotes (`:name`, `:ok?`).
fn is_plain_atom(name: &str) -> bool {
    let body = name.strip_suffix(['?', '!']).unwrap_or(name);
    let mut chars = body.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '@')
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use serde_json::json;

    fn conv(json: Value) -> ConfigValue {
        ConfigValue::from_json(&json).unwrap()
    }

    fn err(json: Value) -> String {
        ConfigValue::from_json(&json).unwrap_err().to_string()
    }

    fn atom(name: &str) -> ConfigValue {
        ConfigValue::Atom(name.into())
    }

    fn string(s: &str) -> ConfigValue {
        ConfigValue::String(s.into())
    }

    fn regex(pattern: &str, flags: &str) -> ConfigValue {
        ConfigValue::Regex {
            pattern: pattern.into(),
            flags: flags.into(),
        }
    }

    /// JSON → value → JSON.
    fn round(json: Value) -> Value {
        conv(json).to_json()
    }

    #[test]
    fn atoms() {
        assert_eq!(conv(json!(":info")), atom("info"));
        assert_eq!(conv(json!(":tlsv1.1")), atom("tlsv1.1"));
        assert_eq!(conv(json!("  :info ")), atom("info"));
        // A lone colon is a string.
        assert_eq!(conv(json!(":")), string(":"));
        assert_eq!(round(json!(":tlsv1.2")), json!(":tlsv1.2"));
        assert_eq!(atom("tlsv1.2").to_json(), json!(":tlsv1.2"));
    }

    #[test]
    fn modules() {
        for name in [
            "Pleroma.Upload",
            "Phoenix.Endpoint",
            "Tesla.Adapter.Hackney",
            "Quack.Logger",
            "Ueberauth.Strategy.Twitter",
            "Swoosh.Adapters.SMTP",
            "Oban",
            "Ueberauth",
            "ExSyslogger",
        ] {
            assert_eq!(
                conv(json!(name)),
                ConfigValue::Module(name.into()),
                "{name}"
            );
            assert_eq!(round(json!(name)), json!(name));
        }
        // No existence check.
        assert_eq!(
            conv(json!("Pleroma.Nonexistent.Thing")),
            ConfigValue::Module("Pleroma.Nonexistent.Thing".into())
        );
        // "Pleroma" alone stays a string; so do look-alikes.
        assert_eq!(conv(json!("Pleroma")), string("Pleroma"));
        assert_eq!(conv(json!("Obanx")), string("Obanx"));
        assert_eq!(conv(json!("pleroma.upload")), string("pleroma.upload"));
    }

    #[test]
    fn strings_are_trimmed() {
        assert_eq!(conv(json!("  hello  ")), string("hello"));
        assert_eq!(round(json!("  hello\n")), json!("hello"));
        assert_eq!(conv(json!("ünïcødé ✓")), string("ünïcødé ✓"));
        assert_eq!(
            conv(json!("'; DROP TABLE config; --")),
            string("'; DROP TABLE config; --")
        );
    }

    #[test]
    fn scalars_unchanged() {
        assert_eq!(conv(json!(42)), ConfigValue::Integer(42));
        assert_eq!(conv(json!(-7)), ConfigValue::Integer(-7));
        assert_eq!(conv(json!(1.5)), ConfigValue::Float(1.5));
        assert_eq!(conv(json!(true)), ConfigValue::Bool(true));
        assert_eq!(conv(json!(null)), ConfigValue::Null);
        // Integers stay integers.
        assert_eq!(round(json!(16000000)), json!(16000000));
        assert!(round(json!(16000000)).is_i64());
        assert_eq!(round(json!(0.25)), json!(0.25));
        assert_eq!(
            err(json!(18446744073709551615u64)),
            "integer out of range 18446744073709551615"
        );
    }

    #[test]
    fn regexes() {
        assert_eq!(conv(json!("~r/abc/")), regex("abc", ""));
        assert_eq!(conv(json!("  ~r/abc/i ")), regex("abc", "i"));
        assert_eq!(conv(json!("~r/abc/uismxfU")), regex("abc", "uismxfU"));
        assert_eq!(conv(json!("~r|a|b|")), regex("a|b", ""));
        assert_eq!(conv(json!("~r\"abc\"")), regex("abc", ""));
        assert_eq!(conv(json!("~r'abc'")), regex("abc", ""));
        assert_eq!(conv(json!("~r(abc)")), regex("abc", ""));
        assert_eq!(conv(json!("~r[abc]")), regex("abc", ""));
        assert_eq!(conv(json!("~r{abc}")), regex("abc", ""));
        assert_eq!(conv(json!("~r<abc>s")), regex("abc", "s"));
        // The pattern runs to the last closing delimiter.
        assert_eq!(conv(json!("~r/a/b/")), regex("a/b", ""));
        assert_eq!(conv(json!("~r(a(b)c)")), regex("a(b)c", ""));
        assert_eq!(conv(json!("~r//")), regex("", ""));
    }

    #[test]
    fn regex_errors() {
        assert_eq!(err(json!("~r/abc")), "invalid regex ~r/abc");
        assert_eq!(err(json!("  ~r/abc  ")), "invalid regex ~r/abc");
        assert_eq!(err(json!("~r/abc/g")), "invalid regex ~r/abc/g");
        assert_eq!(err(json!("~r/abc/i x")), "invalid regex ~r/abc/i x");
        assert_eq!(err(json!("~r")), "invalid regex ~r");
        assert_eq!(err(json!("~rabc")), "invalid regex ~rabc");
        assert_eq!(err(json!("~r[abc")), "invalid regex ~r[abc");
        assert_eq!(err(json!("~r(abc(")), "invalid regex ~r(abc(");
        // Errors are found anywhere in the value.
        assert_eq!(
            err(json!([{"tuple": [":k", ["~r/ok/", "~r/bad"]]}])),
            "invalid regex ~r/bad"
        );
    }

    #[test]
    fn regex_to_json() {
        assert_eq!(
            round(json!("~r/https://example.com/")),
            json!("~r/https:\\/\\/example.com/")
        );
        assert_eq!(round(json!("~r[abc]")), json!("~r/abc/"));
        assert_eq!(round(json!("~r[a/b]i")), json!("~r/a\\/b/i"));
        // Already escaped slashes stay as they are; the round trip is stable.
        assert_eq!(
            round(json!("~r/https:\\/\\/example.com/")),
            json!("~r/https:\\/\\/example.com/")
        );
        assert_eq!(round(json!("~r/a\\\\/b/")), json!("~r/a\\\\\\/b/"));
        let once = round(json!("~r{x/y\\/z}u"));
        assert_eq!(round(once.clone()), once);
    }

    #[test]
    fn lists_maps_and_tuples() {
        assert_eq!(
            conv(json!([":a", "b", 1])),
            ConfigValue::List(vec![atom("a"), string("b"), ConfigValue::Integer(1)])
        );
        assert_eq!(
            conv(json!({"tuple": [":a", 1], "other": "ignored"})),
            ConfigValue::Tuple(vec![atom("a"), ConfigValue::Integer(1)])
        );
        assert_eq!(
            round(json!({"tuple": [":a", 1], "other": "ignored"})),
            json!({"tuple": [":a", 1]})
        );
        // `tuple` that is not an array makes an ordinary map.
        assert_eq!(
            conv(json!({"tuple": "x"})),
            ConfigValue::Map(vec![(MapKey::String("tuple".into()), string("x"))])
        );
        assert_eq!(
            conv(json!({":k": ":v", "s": " x "})),
            ConfigValue::Map(vec![
                (MapKey::Atom("k".into()), atom("v")),
                (MapKey::String("s".into()), string("x")),
            ])
        );
        assert_eq!(
            round(json!({":k": ":v", "s": " x "})),
            json!({":k": ":v", "s": "x"})
        );
        assert_eq!(round(json!({})), json!({}));
        assert_eq!(round(json!([])), json!([]));
        assert_eq!(
            round(json!({"tuple": [":nested", {"tuple": [1, [":a"]]}]})),
            json!({"tuple": [":nested", {"tuple": [1, [":a"]]}]})
        );
    }

    #[test]
    fn args_literals() {
        let value = conv(json!({"tuple": [":args", ["{\"implode\", \"1\"}", "-v", ":x"]]}));
        assert_eq!(
            value,
            ConfigValue::Tuple(vec![
                atom("args"),
                ConfigValue::List(vec![
                    ConfigValue::Tuple(vec![string("implode"), string("1")]),
                    string("-v"),
                    atom("x"),
                ]),
            ])
        );
        // Printed back as literals.
        assert_eq!(
            value.to_json(),
            json!({"tuple": [":args", ["{\"implode\", \"1\"}", "-v", ":x"]]})
        );
        // Atoms, integers, spacing and escapes; re-printed in inspect form.
        assert_eq!(
            round(json!({"tuple": [":args", ["{ :resize , 42,\"a\\\"b\" }", "{}"]]})),
            json!({"tuple": [":args", ["{:resize, 42, \"a\\\"b\"}", "{}"]]})
        );
        assert_eq!(
            round(json!({"tuple": [":args", ["{:\"odd atom\", -1}"]]})),
            json!({"tuple": [":args", ["{:\"odd atom\", -1}"]]})
        );
        for bad in [
            "{implode, 1}",
            "{\"a\"",
            "{\"a\" \"b\"}",
            "}",
            "{\"a\"} trailing",
            "{1.5}",
        ] {
            assert_eq!(
                err(json!({"tuple": [":args", [bad]]})),
                format!("invalid tuple literal {bad}"),
                "{bad}"
            );
        }
        // Outside `:args`, braces in strings are plain text.
        assert_eq!(
            conv(json!({"tuple": [":other", ["{implode}"]]})),
            ConfigValue::Tuple(vec![
                atom("other"),
                ConfigValue::List(vec![string("{implode}")])
            ])
        );
    }

    #[test]
    fn proxy_url() {
        for host in ["localhost", "127.0.0.1", "proxy.example.org", "::1"] {
            let json = json!({"tuple": [":proxy_url", {"tuple": [":socks5", host, 9050]}]});
            let value = conv(json.clone());
            assert_eq!(
                value,
                ConfigValue::Tuple(vec![
                    atom("proxy_url"),
                    ConfigValue::Tuple(vec![
                        atom("socks5"),
                        string(host),
                        ConfigValue::Integer(9050)
                    ]),
                ])
            );
            assert_eq!(value.to_json(), json);
        }
        assert_eq!(
            round(json!({"tuple": [":proxy_url", {"tuple": [":socks5", "localhost", "9050"]}]})),
            json!({"tuple": [":proxy_url", {"tuple": [":socks5", "localhost", 9050]}]})
        );
        assert!(
            err(json!({"tuple": [":proxy_url", {"tuple": [":socks5", "h", "x"]}]}))
                .starts_with("invalid :proxy_url")
        );
        assert!(
            err(json!({"tuple": [":proxy_url", {"tuple": [":socks5", 1, 2]}]}))
                .starts_with("invalid :proxy_url")
        );
        // A proxy URL given as a string is an ordinary tuple.
        assert_eq!(
            round(json!({"tuple": [":proxy_url", "http://proxy:3128"]})),
            json!({"tuple": [":proxy_url", "http://proxy:3128"]})
        );
    }

    #[test]
    fn partial_chain_is_verbatim() {
        let json = json!({"tuple": [":partial_chain", "&:hackney_connect.partial_chain/1"]});
        assert_eq!(
            conv(json.clone()),
            ConfigValue::Tuple(vec![
                atom("partial_chain"),
                string("&:hackney_connect.partial_chain/1")
            ])
        );
        assert_eq!(round(json.clone()), json);
    }

    #[test]
    fn keyword_lists() {
        let kw = conv(json!([{"tuple": [":k", "v"]}]));
        assert_eq!(kw.keyword_entries(), Some(vec![("k", &string("v"))]));
        assert!(kw.is_keyword_list());
        assert_eq!(kw.keyword_get("k"), Some(&string("v")));
        assert!(conv(json!([])).is_keyword_list());
        assert!(!conv(json!([{"tuple": ["k", "v"]}])).is_keyword_list());
        assert!(!conv(json!([{"tuple": [":k", "v", 3]}])).is_keyword_list());
        assert!(!conv(json!([{"tuple": [":k", "v"]}, ":x"])).is_keyword_list());
        assert!(!conv(json!({":k": "v"})).is_keyword_list());
        assert!(!conv(json!(":k")).is_keyword_list());
    }

    #[test]
    fn stored_values_never_fail() {
        assert_eq!(
            ConfigValue::from_stored_json(&json!("~r/abc")),
            string("~r/abc")
        );
        assert_eq!(
            ConfigValue::from_stored_json(&json!({"tuple": [":args", ["{bad"]]})),
            ConfigValue::Tuple(vec![atom("args"), ConfigValue::List(vec![string("{bad")])])
        );
        assert!(matches!(
            ConfigValue::from_stored_json(&json!(18446744073709551615u64)),
            ConfigValue::Float(_)
        ));
    }

    #[test]
    fn round_trips_are_identity_for_normal_forms() {
        let samples = [
            json!([{"tuple": [":name", "steward"]}, {"tuple": [":limit", 5000]}]),
            json!({"tuple": [":authentication", {"tuple": [60000, 15]}]}),
            json!([":users_read", "Pleroma.Web.ActivityPub.MRF.TagPolicy"]),
            json!({":a": [1, 2.5, null, true], "b": {"tuple": []}}),
            json!("~r/a\\/b/i"),
            json!({"tuple": [":args", ["{\"implode\", \"1\"}"]]}),
        ];
        for sample in samples {
            assert_eq!(round(sample.clone()), sample);
        }
    }
}
