//! Query strings as HTML forms write them (`application/x-www-form-urlencoded`), parsed the same way
//! on the server and in the browser so list state read from the URL never differs between the first
//! render and hydration.

/// Splits `a=1&b=x+y&b=%2C` (leading `?` allowed) into decoded pairs in order; `+` is a space and
/// malformed `%` escapes are kept literally.
pub fn parse_query(search: &str) -> Vec<(String, String)> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (decode_component(k), decode_component(v)),
            None => (decode_component(pair), String::new()),
        })
        .collect()
}

/// The first value of `key` in a query string, `""` when absent.
pub fn query_value(search: &str, key: &str) -> String {
    parse_query(search)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// Every value of `key` in a query string.
pub fn query_values(search: &str, key: &str) -> Vec<String> {
    parse_query(search)
        .into_iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v)
        .collect()
}

/// Decodes one form-encoded component.
pub fn decode_component(input: &str) -> String {
    let bytes = input.as_bytes();
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

/// Percent-encodes a query value or path segment (unreserved characters stay as they are).
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `path` with `search` pairs, minus the keys in `drop`, plus `add` (values encoded).
pub fn with_params(path: &str, search: &str, drop: &[&str], add: &[(&str, &str)]) -> String {
    let mut parts: Vec<String> = parse_query(search)
        .into_iter()
        .filter(|(k, _)| !drop.contains(&k.as_str()) && !add.iter().any(|(a, _)| a == k))
        .map(|(k, v)| format!("{}={}", encode_component(&k), encode_component(&v)))
        .collect();
    parts.extend(
        add.iter()
            .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v))),
    );
    if parts.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", parts.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_round_trips() {
        assert_eq!(
            parse_query("?a=1+2&b=%2C&c&d=%ZZ&e=50%"),
            vec![
                ("a".into(), "1 2".into()),
                ("b".into(), ",".into()),
                ("c".into(), "".into()),
                ("d".into(), "%ZZ".into()),
                ("e".into(), "50%".into()),
            ]
        );
        let tricky = "a b&c=d/é%";
        assert_eq!(decode_component(&encode_component(tricky)), tricky);
        assert_eq!(query_value("x=1&y=2&y=3", "y"), "2");
        assert_eq!(query_values("x=1&y=2&y=3", "y"), vec!["2", "3"]);
    }

    #[test]
    fn params_are_replaced() {
        assert_eq!(
            with_params(
                "/admin/users",
                "view=remote&notice=Done&page=2",
                &["notice", "error"],
                &[("page", "3")]
            ),
            "/admin/users?view=remote&page=3"
        );
        assert_eq!(with_params("/p", "notice=x", &["notice"], &[]), "/p");
    }
}
