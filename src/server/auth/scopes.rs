//! OAuth scope matching (auth.md §3).

/// Whether a token scope `have` satisfies the required scope `want`: equal, or `want` lies below
/// `have` in whole `:`-separated segments (broader covers narrower, never the reverse).
pub fn covers(have: &str, want: &str) -> bool {
    have == want
        || (want.len() > have.len()
            && want.starts_with(have)
            && want.as_bytes()[have.len()] == b':')
}

/// Whether any of the token's scopes satisfies `want`.
pub fn any_covers(have: &[String], want: &str) -> bool {
    have.iter().any(|h| covers(h, want))
}

/// Splits a space-separated (or `+`/comma tolerant) scope string into scopes.
pub fn parse(scopes: &str) -> Vec<String> {
    scopes
        .split(|c: char| c.is_whitespace() || c == ',' || c == '+')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The scopes an Admin API endpoint accepts for a base scope, in the order of the failure message.
pub fn admin_alternatives(base: &[&str], enforce_admin_scope: bool) -> Vec<String> {
    let mut out: Vec<String> = base.iter().map(|s| admin_scope(s)).collect();
    if !enforce_admin_scope {
        out.extend(base.iter().map(|s| s.to_string()));
    }
    out
}

fn admin_scope(base: &str) -> String {
    format!("admin:{base}")
}

/// `Insufficient permissions: a | b.`
pub fn insufficient(alternatives: &[String]) -> String {
    format!("Insufficient permissions: {}.", alternatives.join(" | "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(token: &str, enforce: bool) -> bool {
        let have = vec![token.to_string()];
        admin_alternatives(&["read:accounts"], enforce)
            .iter()
            .any(|w| any_covers(&have, w))
    }

    /// The table of auth.md §3, row by row.
    #[test]
    fn scope_table() {
        let rows = [
            ("admin", true, true),
            ("admin:read", true, true),
            ("admin:read:accounts", true, true),
            ("read", false, true),
            ("read:accounts", false, true),
            ("admin:read:accounts:partial", false, false),
            ("read:accounts:partial", false, false),
            ("admin:write", false, false),
        ];
        for (token, enforce_true, enforce_false) in rows {
            assert_eq!(ok(token, true), enforce_true, "{token} with enforce=true");
            assert_eq!(
                ok(token, false),
                enforce_false,
                "{token} with enforce=false"
            );
        }
    }

    #[test]
    fn segment_boundaries() {
        assert!(!covers("read:acc", "read:accounts"));
        assert!(covers("write", "write:follows"));
    }

    #[test]
    fn messages() {
        assert_eq!(
            insufficient(&admin_alternatives(&["read:accounts"], true)),
            "Insufficient permissions: admin:read:accounts."
        );
        assert_eq!(
            insufficient(&admin_alternatives(&["read:accounts"], false)),
            "Insufficient permissions: admin:read:accounts | read:accounts."
        );
        assert_eq!(
            insufficient(&admin_alternatives(
                &["write:accounts", "write:statuses"],
                true
            )),
            "Insufficient permissions: admin:write:accounts | admin:write:statuses."
        );
    }

    #[test]
    fn parse_splits_on_space() {
        assert_eq!(parse("read  write:follows"), vec!["read", "write:follows"]);
    }
}
