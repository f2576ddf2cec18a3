//! Status text to safe HTML (client-api.md §4.2): escaping, line breaks, links, mentions of known
//! accounts and hashtags.
//!
//! Rendering is split in two so the database is only asked once per distinct mention: first
//! [`mention_candidates`] lists every `@nick` / `@nick@host` in the text, the caller resolves them,
//! then [`render`] produces the HTML with a lookup that never touches storage.

use super::accounts::escape_html;

/// A mentioned account as the status entity's `mentions` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentioned {
    pub id: String,
    /// The nickname without host.
    pub username: String,
    /// `nick` or `nick@host`.
    pub acct: String,
    pub url: String,
}

/// The HTML of a status and what it refers to (each mention and tag once, in order of appearance).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    pub mentions: Vec<Mentioned>,
    /// Lowercase tag names.
    pub tags: Vec<String>,
}

/// One piece of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    Text(&'a str),
    Url(&'a str),
    /// The whole `nick` or `nick@host` after `@`, and the `nick` part alone.
    Mention(&'a str, &'a str),
    Tag(&'a str),
}

fn is_nick_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn is_host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':'
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits one line (no `\n`) into tokens.
fn tokenize(line: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    let mut prev: Option<char> = None;
    while i < line.len() {
        let rest = &line[i..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        // A token starts only at the beginning of a word, so `a@b.c` (an email) and `x#1` stay text.
        let at_word_start = prev.is_none_or(|p| !(p.is_alphanumeric() || p == '_'));
        let found = if !at_word_start {
            None
        } else if rest.starts_with("http://") || rest.starts_with("https://") {
            url_len(rest).map(|n| (Token::Url(&rest[..n]), n))
        } else if c == '@' {
            mention_len(rest)
                .map(|(n, nick_len)| (Token::Mention(&rest[1..n], &rest[1..1 + nick_len]), n))
        } else if c == '#' {
            let n = rest[1..]
                .char_indices()
                .find(|(_, ch)| !is_tag_char(*ch))
                .map_or(rest.len() - 1, |(k, _)| k);
            (n > 0).then(|| (Token::Tag(&rest[1..1 + n]), 1 + n))
        } else {
            None
        };
        match found {
            Some((token, len)) => {
                if text_start < i {
                    tokens.push(Token::Text(&line[text_start..i]));
                }
                tokens.push(token);
                i += len;
                text_start = i;
                prev = line[..i].chars().next_back();
            }
            None => {
                i += c.len_utf8();
                prev = Some(c);
            }
        }
    }
    if text_start < line.len() {
        tokens.push(Token::Text(&line[text_start..]));
    }
    tokens
}

/// Length of the URL at the start of `text`; trailing punctuation usually ends a sentence.
fn url_len(text: &str) -> Option<usize> {
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
        .unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ')', '!', '?', ';', ':', '\'']);
    let scheme = if url.starts_with("https://") { 8 } else { 7 };
    (url.len() > scheme).then_some(url.len())
}

/// `(whole length including '@', nick length)` of a mention at the start of `text`.
fn mention_len(text: &str) -> Option<(usize, usize)> {
    let body = &text[1..];
    let nick_len = body.find(|c: char| !is_nick_char(c)).unwrap_or(body.len());
    let nick = body[..nick_len].trim_end_matches('-');
    if nick.is_empty() {
        return None;
    }
    let nick_len = nick.len();
    let after = &body[nick_len..];
    if let Some(host_part) = after.strip_prefix('@') {
        let host_len = host_part
            .find(|c: char| !is_host_char(c))
            .unwrap_or(host_part.len());
        let host = host_part[..host_len].trim_end_matches(['.', '-', ':']);
        if !host.is_empty()
            && host
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            return Some((1 + nick_len + 1 + host.len(), nick_len));
        }
    }
    Some((1 + nick_len, nick_len))
}

/// Every distinct `nick` / `nick@host` mentioned in `text`, in order of appearance.
pub fn mention_candidates(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.split('\n') {
        for token in tokenize(line) {
            if let Token::Mention(full, _) = token {
                if !out.iter().any(|m| m.eq_ignore_ascii_case(full)) {
                    out.push(full.to_string());
                }
            }
        }
    }
    out
}

/// Renders `text`. `resolve` maps a mention candidate to its account (`None`: left as text).
pub fn render(text: &str, base_url: &str, resolve: &dyn Fn(&str) -> Option<Mentioned>) -> Rendered {
    let mut out = Rendered::default();
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.html.push_str("<br/>");
        }
        for token in tokenize(line) {
            match token {
                Token::Text(t) => out.html.push_str(&escape_html(t)),
                Token::Url(url) => {
                    let safe = escape_html(url);
                    out.html
                        .push_str(&format!("<a href=\"{safe}\" rel=\"ugc\">{safe}</a>"));
                }
                Token::Mention(full, nick) => match resolve(full) {
                    Some(account) => {
                        out.html.push_str(&format!(
                            "<span class=\"h-card\"><a class=\"u-url mention\" data-user=\"{}\" href=\"{}\" rel=\"ugc\">@<span>{}</span></a></span>",
                            escape_html(&account.id),
                            escape_html(&account.url),
                            escape_html(nick)
                        ));
                        if !out.mentions.iter().any(|m| m.id == account.id) {
                            out.mentions.push(account);
                        }
                    }
                    None => out.html.push_str(&escape_html(&format!("@{full}"))),
                },
                Token::Tag(tag) => {
                    let name = tag.to_lowercase();
                    let safe = escape_html(&name);
                    out.html.push_str(&format!(
                        "<a class=\"hashtag\" data-tag=\"{safe}\" href=\"{}/tag/{safe}\" rel=\"tag ugc\">#{}</a>",
                        escape_html(base_url),
                        escape_html(tag)
                    ));
                    if !out.tags.contains(&name) {
                        out.tags.push(name);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice(full: &str) -> Option<Mentioned> {
        match full.to_lowercase().as_str() {
            "alice" | "alice@here.test" => Some(Mentioned {
                id: "A1".into(),
                username: "alice".into(),
                acct: "alice".into(),
                url: "https://here.test/users/alice".into(),
            }),
            "bob@remote.example" => Some(Mentioned {
                id: "B2".into(),
                username: "bob".into(),
                acct: "bob@remote.example".into(),
                url: "https://remote.example/@bob".into(),
            }),
            _ => None,
        }
    }

    fn html(text: &str) -> String {
        render(text, "https://here.test", &alice).html
    }

    #[test]
    fn escapes_and_breaks_lines() {
        assert_eq!(
            html("<script>alert(\"x\")</script> & co\nnext"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co<br/>next"
        );
    }

    #[test]
    fn links_urls_only_with_http_schemes() {
        assert_eq!(
            html("see https://ex.com/a?b=1&c=2."),
            "see <a href=\"https://ex.com/a?b=1&amp;c=2\" rel=\"ugc\">https://ex.com/a?b=1&amp;c=2</a>."
        );
        assert_eq!(html("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(html("http://"), "http://");
        assert_eq!(
            html("\"https://a.b\"><img>"),
            "&quot;<a href=\"https://a.b\" rel=\"ugc\">https://a.b</a>&quot;&gt;&lt;img&gt;"
        );
    }

    #[test]
    fn mentions_known_accounts_only() {
        let out = render(
            "hi @alice and @Bob@remote.example, not @nobody",
            "https://here.test",
            &alice,
        );
        assert_eq!(
            out.html,
            "hi <span class=\"h-card\"><a class=\"u-url mention\" data-user=\"A1\" href=\"https://here.test/users/alice\" rel=\"ugc\">@<span>alice</span></a></span> and \
             <span class=\"h-card\"><a class=\"u-url mention\" data-user=\"B2\" href=\"https://remote.example/@bob\" rel=\"ugc\">@<span>Bob</span></a></span>, not @nobody"
        );
        assert_eq!(
            out.mentions
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>(),
            vec!["A1", "B2"]
        );
        // Emails are not mentions; a repeated mention is listed once.
        let out = render(
            "mail me@alice.org @alice @alice@here.test.",
            "https://here.test",
            &alice,
        );
        assert!(
            out.html.starts_with("mail me@alice.org <span"),
            "{}",
            out.html
        );
        assert!(out.html.ends_with("</span>."), "{}", out.html);
        assert_eq!(out.mentions.len(), 1);
    }

    #[test]
    fn hashtags() {
        let out = render(
            "#Rust, #rust and #日本 but not a#b or #",
            "https://here.test",
            &alice,
        );
        assert_eq!(
            out.html,
            "<a class=\"hashtag\" data-tag=\"rust\" href=\"https://here.test/tag/rust\" rel=\"tag ugc\">#Rust</a>, \
             <a class=\"hashtag\" data-tag=\"rust\" href=\"https://here.test/tag/rust\" rel=\"tag ugc\">#rust</a> and \
             <a class=\"hashtag\" data-tag=\"日本\" href=\"https://here.test/tag/日本\" rel=\"tag ugc\">#日本</a> but not a#b or #"
        );
        assert_eq!(out.tags, vec!["rust", "日本"]);
    }

    #[test]
    fn candidates_are_distinct_and_ordered() {
        assert_eq!(
            mention_candidates("@b @a\n@B @c@x.org. x@y.z @"),
            vec!["b", "a", "c@x.org"]
        );
    }
}
