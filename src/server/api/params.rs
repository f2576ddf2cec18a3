//! Request parameters as the spec defines them (README "Parameters"): query string, JSON body and
//! form bodies (urlencoded or multipart) merged into one map, path > body > query, with typed
//! getters that produce the spec's validation messages.

use axum::body::Bytes;
use axum::http::{header, HeaderMap};
use serde_json::{Map, Value};

use crate::error::AppError;

/// Largest JSON or urlencoded body accepted.
pub const MAX_JSON_BODY: usize = 1024 * 1024;

/// The merged parameters of one request.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub map: Map<String, Value>,
    /// File parts of a multipart body, by field name.
    pub files: Vec<Upload>,
}

/// One uploaded file.
#[derive(Debug, Clone)]
pub struct Upload {
    pub field: String,
    pub file_name: String,
    pub content_type: Option<String>,
    pub bytes: Bytes,
}

impl Params {
    /// Parses the query string and the body and merges them (body wins).
    pub async fn parse(
        query: Option<&str>,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Result<Params, AppError> {
        let mut params = Params::default();
        if let Some(query) = query {
            params.merge(parse_form(query.as_bytes()));
        }
        let raw_content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let content_type = raw_content_type.to_ascii_lowercase();
        if body.is_empty() {
            return Ok(params);
        }
        if content_type.starts_with("multipart/form-data") {
            // The boundary is case-sensitive (browsers use mixed case): parse it from the header
            // as sent.
            let (map, files) = parse_multipart(raw_content_type, body).await?;
            params.merge(map);
            params.files = files;
        } else if content_type.starts_with("application/x-www-form-urlencoded") {
            if body.len() > MAX_JSON_BODY {
                return Err(AppError::TooLarge);
            }
            params.merge(parse_form(&body));
        } else if content_type.contains("json") {
            if body.len() > MAX_JSON_BODY {
                return Err(AppError::TooLarge);
            }
            match serde_json::from_slice::<Value>(&body) {
                Ok(Value::Object(map)) => params.merge(map),
                Ok(_) | Err(_) => return Err(AppError::bad_request("Invalid JSON body.")),
            }
        } else if content_type.is_empty() {
            // No content type: JSON if it parses, else ignored.
            if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&body) {
                params.merge(map);
            }
        }
        Ok(params)
    }

    /// Builds parameters from a serialisable value (server functions use this to call the service).
    pub fn from_value(value: Value) -> Params {
        match value {
            Value::Object(map) => Params {
                map,
                files: Vec::new(),
            },
            _ => Params::default(),
        }
    }

    fn merge(&mut self, other: Map<String, Value>) {
        for (k, v) in other {
            self.map.insert(k, v);
        }
    }

    /// Sets a parameter (path parameters win over everything).
    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.map.insert(key.to_string(), value.into());
    }

    /// The uploaded file of a field, if any.
    pub fn file(&self, field: &str) -> Option<&Upload> {
        self.files.iter().find(|f| f.field == field)
    }

    /// The raw value, `None` when absent or JSON null.
    pub fn raw(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// An optional string; numbers and booleans are refused with the spec's message.
    pub fn string(&self, key: &str) -> Result<Option<String>, AppError> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::String(s)) => checked(key, s).map(Some),
            Some(other) => Err(wrong_type(key, "string", other)),
        }
    }

    /// A required string (absent → `Missing field: <key>.`).
    pub fn required_string(&self, key: &str) -> Result<String, AppError> {
        self.string(key)?.ok_or_else(|| AppError::missing(key))
    }

    /// An optional integer: JSON number or a decimal string; `""` counts as absent.
    pub fn int(&self, key: &str) -> Result<Option<i64>, AppError> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| wrong_type(key, "integer", &Value::Number(n.clone()))),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => parse_int(s)
                .map(Some)
                .ok_or_else(|| wrong_type(key, "integer", &Value::String(s.clone()))),
            Some(other) => Err(wrong_type(key, "integer", other)),
        }
    }

    /// An optional boolean: `true`/`"true"`/`"1"` and `false`/`"false"`/`"0"`; `""` counts as absent.
    pub fn bool(&self, key: &str) -> Result<Option<bool>, AppError> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => match s.to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(Some(true)),
                "false" | "0" => Ok(Some(false)),
                _ => Err(wrong_type(key, "boolean", &Value::String(s.clone()))),
            },
            Some(Value::Number(n)) if n.as_i64() == Some(1) => Ok(Some(true)),
            Some(Value::Number(n)) if n.as_i64() == Some(0) => Ok(Some(false)),
            Some(other) => Err(wrong_type(key, "boolean", other)),
        }
    }

    /// An optional list of strings; a single string is a one-element list.
    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>, AppError> {
        let list = self.strings_uncapped(key)?;
        if let Some(items) = &list {
            if items.len() > MAX_LIST_ITEMS {
                return Err(AppError::invalid(
                    key,
                    format!(
                        "{key} - at most {MAX_LIST_ITEMS} values. Got: {}.",
                        items.len()
                    ),
                ));
            }
        }
        Ok(list)
    }

    fn strings_uncapped(&self, key: &str) -> Result<Option<Vec<String>>, AppError> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(vec![checked(key, s)?])),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => checked(key, s),
                    other => Err(wrong_type(key, "string", other)),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(Value::Object(map)) if map.keys().all(|k| k.parse::<usize>().is_ok()) => {
                let mut entries: Vec<(usize, &Value)> = map
                    .iter()
                    .filter_map(|(k, v)| k.parse::<usize>().ok().map(|i| (i, v)))
                    .collect();
                entries.sort_by_key(|(i, _)| *i);
                entries
                    .into_iter()
                    .map(|(_, v)| match v {
                        Value::String(s) => checked(key, s),
                        other => Err(wrong_type(key, "string", other)),
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Some)
            }
            Some(other) => Err(wrong_type(key, "array", other)),
        }
    }
}

/// The longest list a parameter may hold. Lists become bound values of one statement, and the
/// engines cap those (SQLite 32,766, PostgreSQL 65,535): far below that, a client's list is
/// refused with a 400 instead of failing in the database.
pub const MAX_LIST_ITEMS: usize = 10_000;

/// A string parameter as given, except that NUL characters are refused: no database stores them
/// (PostgreSQL rejects them outright), so they could only ever fail later.
fn checked(key: &str, s: &str) -> Result<String, AppError> {
    if s.contains('\0') {
        return Err(AppError::invalid(
            key,
            format!("{key} - Invalid string. Got: string with a NUL character."),
        ));
    }
    Ok(s.to_string())
}

/// `<field> - Invalid <expected>. Got: <kind>.`
pub fn wrong_type(field: &str, expected: &str, got: &Value) -> AppError {
    AppError::invalid(
        field,
        format!("{field} - Invalid {expected}. Got: {}.", kind_of(got)),
    )
}

/// The JSON kind of a value as validation messages name it.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "float",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Optional sign plus decimal digits, surrounding whitespace ignored.
fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse::<i64>().ok()
}

/// Decodes `a=1&b[]=2&c[d]=3` (form encoding, `+` = space, bad `%` escapes taken literally).
pub fn parse_form(input: &[u8]) -> Map<String, Value> {
    let mut map = Map::new();
    for pair in input.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (key, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        };
        insert_bracketed(
            &mut map,
            &decode_component(key),
            Value::String(decode_component(value)),
        );
    }
    map
}

fn decode_component(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Inserts `key` which may carry brackets: `x[]` appends, `a[b][c]` nests; a repeated plain key
/// becomes an array.
fn insert_bracketed(map: &mut Map<String, Value>, key: &str, value: Value) {
    let (head, rest) = match key.find('[') {
        Some(i) if key.ends_with(']') => (&key[..i], &key[i..]),
        _ => (key, ""),
    };
    let segments: Vec<&str> = if rest.is_empty() {
        Vec::new()
    } else {
        rest.trim_start_matches('[')
            .trim_end_matches(']')
            .split("][")
            .collect()
    };
    insert_path(map, head, &segments, value);
}

fn insert_path(map: &mut Map<String, Value>, head: &str, segments: &[&str], value: Value) {
    match segments.split_first() {
        None => match map.get_mut(head) {
            Some(Value::Array(items)) => items.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
            None => {
                map.insert(head.to_string(), value);
            }
        },
        Some((&"", _)) => {
            let slot = map
                .entry(head.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            match slot {
                Value::Array(items) => items.push(value),
                other => {
                    let first = other.take();
                    *other = Value::Array(vec![first, value]);
                }
            }
        }
        Some((next, tail)) => {
            let slot = map
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            if let Value::Object(inner) = slot {
                insert_path(inner, next, tail, value);
            }
        }
    }
}

async fn parse_multipart(
    content_type: &str,
    body: Bytes,
) -> Result<(Map<String, Value>, Vec<Upload>), AppError> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| AppError::bad_request("Invalid multipart body."))?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut map = Map::new();
    let mut files = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err(AppError::bad_request("Invalid multipart body.")),
        };
        let Some(name) = field.name().map(str::to_string) else {
            continue;
        };
        if let Some(file_name) = field.file_name().map(str::to_string) {
            let content_type = field.content_type().map(|m| m.to_string());
            let bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::bad_request("Invalid multipart body."))?;
            files.push(Upload {
                field: name,
                file_name,
                content_type,
                bytes,
            });
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|_| AppError::bad_request("Invalid multipart body."))?;
        insert_bracketed(&mut map, &name, Value::String(text));
    }
    Ok((map, files))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn form_decoding() {
        let map = parse_form(b"a=1+2&b[]=x&b[]=y&c=%ZZ&users[0][nickname]=al%40ice&d=1&d=2");
        assert_eq!(
            Value::Object(map),
            json!({
                "a": "1 2", "b": ["x", "y"], "c": "%ZZ", "users": {"0": {"nickname": "al@ice"}}, "d": ["1", "2"]
            })
        );
    }

    #[tokio::test]
    async fn multipart_boundaries_keep_their_case() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            "multipart/form-data; boundary=----WebKitFormBoundaryAbC"
                .parse()
                .expect("header"),
        );
        let body = "------WebKitFormBoundaryAbC\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n------WebKitFormBoundaryAbC--\r\n";
        let params = Params::parse(None, &headers, Bytes::from(body))
            .await
            .expect("parsed");
        assert_eq!(params.map.get("a"), Some(&json!("x")));
    }

    #[test]
    fn typed_getters() {
        let p = Params::from_value(
            json!({"page": " 2 ", "bad": "x", "f": "TRUE", "e": "", "n": 3, "s": "one"}),
        );
        assert_eq!(p.int("page").ok().flatten(), Some(2));
        assert_eq!(p.int("e").ok().flatten(), None);
        assert_eq!(p.bool("f").ok().flatten(), Some(true));
        let err = p.int("bad").err().map(|e| e.message()).unwrap_or_default();
        assert_eq!(err, "bad - Invalid integer. Got: string.");
        let err = p.string("n").err().map(|e| e.message()).unwrap_or_default();
        assert_eq!(err, "n - Invalid string. Got: integer.");
        assert_eq!(p.strings("s").ok().flatten(), Some(vec!["one".to_string()]));
        let many = Params::from_value(json!({ "tags": vec!["t"; MAX_LIST_ITEMS + 1] }));
        assert!(many.strings("tags").is_err());
        let most = Params::from_value(json!({ "tags": vec!["t"; MAX_LIST_ITEMS] }));
        assert_eq!(
            most.strings("tags").ok().flatten().map(|v| v.len()),
            Some(MAX_LIST_ITEMS)
        );
        assert_eq!(
            p.required_string("zzz")
                .err()
                .map(|e| e.message())
                .unwrap_or_default(),
            "Missing field: zzz."
        );
    }

    #[test]
    fn int_rules() {
        assert_eq!(parse_int("-5"), Some(-5));
        assert_eq!(parse_int("+5"), Some(5));
        assert_eq!(parse_int("5.0"), None);
        assert_eq!(parse_int("0x10"), None);
    }
}
