//! Text inside a `<textarea>` in server-rendered HTML.

/// Text for a `<textarea>` child. Leptos writes textarea children unescaped into server-side
/// HTML (tachys 0.2 treats `<textarea>` like `<script>`), so a value holding `</textarea>` would
/// end the element and inject markup — a user's bio, a note carried in the URL, a setting. The
/// server escapes `&` and `<` itself; in the browser a child is a text node, which needs no
/// escaping (and hydration keeps the server's text).
pub fn textarea_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    {
        text.replace('&', "&amp;").replace('<', "&lt;")
    }
    #[cfg(not(feature = "ssr"))]
    {
        text
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn textarea_text_cannot_close_the_element() {
        assert_eq!(
            textarea_text("a</textarea><script>x</script> & b".into()),
            "a&lt;/textarea>&lt;script>x&lt;/script> &amp; b"
        );
    }
}
