//! Plain text to safe HTML (client-api.md §4.2 subset used for bios and profile fields).

use super::accounts::escape_html;

/// Escapes text, turns `http(s)://` URLs into links and newlines into `<br/>`.
pub fn render(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push_str("<br/>");
        }
        out.push_str(&linkify(line));
    }
    out
}

fn linkify(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = find_url(rest) {
        out.push_str(&escape_html(&rest[..start]));
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
            .unwrap_or(tail.len());
        // Trailing punctuation usually ends a sentence, not the URL.
        let url = tail[..end].trim_end_matches(['.', ',', ')', '!', '?', ';', ':']);
        let url = if url.is_empty() { &tail[..end] } else { url };
        let safe = escape_html(url);
        out.push_str(&format!("<a href=\"{safe}\" rel=\"ugc\">{safe}</a>"));
        rest = &tail[url.len()..];
    }
    out.push_str(&escape_html(rest));
    out
}

fn find_url(text: &str) -> Option<usize> {
    let http = text.find("http://");
    let https = text.find("https://");
    match (http, https) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_links_and_breaks() {
        assert_eq!(render("hi <b>\nsee https://ex.com/a?b=1&c=2."), "hi &lt;b&gt;<br/>see <a href=\"https://ex.com/a?b=1&amp;c=2\" rel=\"ugc\">https://ex.com/a?b=1&amp;c=2</a>.");
        assert_eq!(render("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(
            render("x \"https://a.b\""),
            "x &quot;<a href=\"https://a.b\" rel=\"ugc\">https://a.b</a>&quot;"
        );
    }
}
