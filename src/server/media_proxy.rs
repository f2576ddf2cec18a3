//! The media proxy's URLs (operations.md §3): signing remote media URLs into
//! `<base_url>/proxy/<sig>/<base64url(url)>/<filename>`, checking such URLs, and normalising URLs
//! sent to the banned-list endpoints back to the original.
//!
//! `sig` is the URL-safe base64 (no padding) of HMAC-SHA256 over the original URL with the
//! instance's media-proxy secret, which lives in the database (`instance_secrets`) so every
//! process signs and checks alike. The filename segment is the last path segment of the original
//! URL, for clients that look at extensions; the proxy ignores it.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use sha2::Sha256;

use crate::server::settings::MediaProxySettings;
use crate::server::settings_cache::SettingsCache;

type HmacSha256 = Hmac<Sha256>;

/// Characters escaped in the filename segment: everything a path segment cannot hold as is.
/// `%` stays, so an already escaped name (`a%20b.png`) is kept as it was.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

/// The signing key and the instance URL: what proxy URLs are made of.
#[derive(Debug, Clone)]
pub struct Signer {
    secret: Vec<u8>,
    /// This instance's public URL (no trailing slash): its own media is never proxied.
    local_base: String,
}

impl Signer {
    pub fn new(secret: &[u8], local_base: &str) -> Signer {
        Signer {
            secret: secret.to_vec(),
            local_base: local_base.trim_end_matches('/').to_string(),
        }
    }

    fn mac(&self) -> Option<HmacSha256> {
        HmacSha256::new_from_slice(&self.secret).ok()
    }

    /// The URL-safe base64 signature of `url`.
    pub fn sign(&self, url: &str) -> String {
        match self.mac() {
            Some(mut mac) => {
                mac.update(url.as_bytes());
                URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
            }
            None => String::new(),
        }
    }

    /// Whether `sig` (URL-safe base64) signs `url`; compared in constant time.
    pub fn verify(&self, sig: &str, url: &str) -> bool {
        let (Ok(sig), Some(mut mac)) = (decode_segment(sig), self.mac()) else {
            return false;
        };
        mac.update(url.as_bytes());
        mac.verify_slice(&sig).is_ok()
    }

    /// The proxy base URL in force: the configured `base_url`, else this instance's URL.
    pub fn base<'a>(&'a self, settings: &'a MediaProxySettings) -> &'a str {
        settings.base_url.as_deref().unwrap_or(&self.local_base)
    }

    /// The proxied form of `url` under `base` (whether or not the proxy is on).
    pub fn proxied(&self, base: &str, url: &str) -> String {
        let encoded = URL_SAFE_NO_PAD.encode(url.as_bytes());
        let mut out = format!("{base}/proxy/{}/{encoded}", self.sign(url));
        let name = filename(url);
        if !name.is_empty() {
            out.push('/');
            out.extend(utf8_percent_encode(name, SEGMENT));
        }
        out
    }

    /// What a response shows for the media URL `url`: the proxied form when the proxy is enabled
    /// and `url` is remote (http/https, not under this instance's URL, not proxied already);
    /// `url` itself otherwise.
    pub fn rewrite(&self, settings: &MediaProxySettings, url: &str) -> String {
        if !settings.enabled || !self.is_remote(url) {
            return url.to_string();
        }
        let base = self.base(settings);
        if under(url, &format!("{base}/proxy")) {
            return url.to_string();
        }
        self.proxied(base, url)
    }

    /// Whether `url` is an http(s) URL of another server.
    pub fn is_remote(&self, url: &str) -> bool {
        let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
        (lower.starts_with("http://") || lower.starts_with("https://"))
            && !under(url, &self.local_base)
    }

    /// The original URL of one of this instance's proxy URLs (under `base` or the instance's
    /// own URL, with a valid signature); `None` for anything else.
    pub fn original(&self, settings: &MediaProxySettings, url: &str) -> Option<String> {
        let bases = [self.base(settings), self.local_base.as_str()];
        let rest = bases
            .iter()
            .find_map(|base| url.strip_prefix(&format!("{base}/proxy/")))?;
        let path = rest.split(['?', '#']).next().unwrap_or(rest);
        let mut segments = path.split('/');
        let (sig, encoded) = (segments.next()?, segments.next()?);
        self.decode(sig, encoded)
    }

    /// The original URL of a `/proxy/<sig>/<encoded>` request, if the signature holds.
    pub fn decode(&self, sig: &str, encoded: &str) -> Option<String> {
        let url = String::from_utf8(decode_segment(encoded).ok()?).ok()?;
        self.verify(sig, &url).then_some(url)
    }

    /// A URL sent to the banned-list endpoints, normalised: this instance's proxy URLs become the
    /// original URL; anything else is kept as sent.
    pub fn normalise(&self, settings: &MediaProxySettings, url: &str) -> String {
        self.original(settings, url)
            .unwrap_or_else(|| url.to_string())
    }
}

/// Base64url with or without padding.
fn decode_segment(segment: &str) -> Result<Vec<u8>, base64::DecodeError> {
    URL_SAFE_NO_PAD.decode(segment.trim_end_matches('='))
}

/// Whether `url` is `base` itself or below it (`base/…`, `base?…`); `base` has no trailing slash.
fn under(url: &str, base: &str) -> bool {
    match url.strip_prefix(base) {
        Some(rest) => rest.is_empty() || rest.starts_with(['/', '?', '#']),
        None => false,
    }
}

/// The last path segment of a URL (no query or fragment); empty when the path ends in `/`.
pub fn filename(url: &str) -> &str {
    let without_scheme = url.split_once("://").map(|(_, rest)| rest).unwrap_or(url);
    let before_query = without_scheme
        .split(['?', '#'])
        .next()
        .unwrap_or(without_scheme);
    match before_query.split_once('/') {
        Some((_, path)) => path.rsplit('/').next().unwrap_or_default(),
        None => "",
    }
}

/// What account views use to show media URLs: the signer (once the secret is loaded at start) and
/// the live settings of this process.
#[derive(Debug, Clone, Default)]
pub struct MediaUrls {
    inner: Option<(Signer, Arc<SettingsCache>)>,
}

impl MediaUrls {
    /// Media URLs of a server process: signed with `signer`, proxied while the settings say so.
    pub fn new(signer: Signer, settings: Arc<SettingsCache>) -> MediaUrls {
        MediaUrls {
            inner: Some((signer, settings)),
        }
    }

    /// The signer, if this process has one (the CLI does not).
    pub fn signer(&self) -> Option<&Signer> {
        self.inner.as_ref().map(|(signer, _)| signer)
    }

    /// `url` as responses show it (see [`Signer::rewrite`]).
    pub fn show(&self, url: &str) -> String {
        match &self.inner {
            Some((signer, cache)) => match cache.latest() {
                Some(settings) => signer.rewrite(&settings.media_proxy, url),
                None => url.to_string(),
            },
            None => url.to_string(),
        }
    }

    /// `show` for an optional URL.
    pub fn show_opt(&self, url: Option<&str>) -> Option<String> {
        url.map(|u| self.show(u))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> Signer {
        Signer::new(b"0123456789abcdef0123456789abcdef", "https://local.test/")
    }

    fn on(base: Option<&str>) -> MediaProxySettings {
        MediaProxySettings {
            enabled: true,
            base_url: base.map(str::to_string),
            ..MediaProxySettings::default()
        }
    }

    #[test]
    fn sign_and_decode_round_trip() {
        let s = signer();
        let url = "https://remote.test/media/ä b.png?x=1&y=2";
        let proxied = s.rewrite(&on(None), url);
        assert!(
            proxied.starts_with("https://local.test/proxy/"),
            "{proxied}"
        );
        assert!(proxied.ends_with("/%C3%A4%20b.png"), "{proxied}");
        let rest = proxied
            .strip_prefix("https://local.test/proxy/")
            .unwrap_or_default();
        let parts: Vec<&str> = rest.split('/').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(s.decode(parts[0], parts[1]).as_deref(), Some(url));
        // Padding is tolerated; a changed URL or signature is not.
        assert_eq!(
            s.decode(parts[0], &format!("{}==", parts[1])).as_deref(),
            Some(url)
        );
        let other = URL_SAFE_NO_PAD.encode("https://remote.test/other.png");
        assert_eq!(s.decode(parts[0], &other), None);
        assert_eq!(s.decode("AAAA", parts[1]), None);
        assert_eq!(s.decode("!!", parts[1]), None);
        assert_eq!(s.decode(parts[0], "%%%"), None);
        // Another secret signs differently.
        let t = Signer::new(b"another secret", "https://local.test");
        assert_eq!(t.decode(parts[0], parts[1]), None);
    }

    #[test]
    fn only_remote_urls_are_rewritten() {
        let s = signer();
        let enabled = on(None);
        for kept in [
            "https://local.test/media/a.png",
            "https://local.test",
            "https://local.test/images/avi.png",
            "data:image/png;base64,AAAA",
            "/relative.png",
            "",
        ] {
            assert_eq!(s.rewrite(&enabled, kept), kept);
        }
        // A host that merely starts like this one is remote.
        assert_ne!(
            s.rewrite(&enabled, "https://local.test.evil/a.png"),
            "https://local.test.evil/a.png"
        );
        // Disabled: nothing changes.
        let off = MediaProxySettings::default();
        assert_eq!(
            s.rewrite(&off, "https://remote.test/a.png"),
            "https://remote.test/a.png"
        );
        // Already proxied URLs stay as they are.
        let once = s.rewrite(&enabled, "HTTP://remote.test/a.png");
        assert_eq!(s.rewrite(&enabled, &once), once);
        // No filename segment when the path ends in a slash or is empty.
        let bare = s.rewrite(&enabled, "https://remote.test");
        assert_eq!(bare.matches('/').count(), 5, "{bare}");
    }

    #[test]
    fn custom_base_url() {
        let s = signer();
        let cdn = on(Some("https://cdn.test"));
        let proxied = s.rewrite(&cdn, "https://remote.test/x/y.gif");
        assert!(proxied.starts_with("https://cdn.test/proxy/"), "{proxied}");
        assert!(proxied.ends_with("/y.gif"));
        assert_eq!(s.rewrite(&cdn, &proxied), proxied);
    }

    #[test]
    fn normalisation() {
        let s = signer();
        let cdn = on(Some("https://cdn.test"));
        let url = "https://remote.test/a.png";
        // Proxy URLs of this instance (either base, with or without the filename or a query)
        // become the original.
        for proxied in [
            s.proxied("https://cdn.test", url),
            s.proxied("https://local.test", url),
            format!("{}?x=1", s.proxied("https://cdn.test", url)),
        ] {
            assert_eq!(s.normalise(&cdn, &proxied), url, "{proxied}");
        }
        let without_name = s
            .proxied("https://cdn.test", url)
            .trim_end_matches("/a.png")
            .to_string();
        assert_eq!(s.normalise(&cdn, &without_name), url);
        // Anything else is kept as sent: other hosts, bad signatures, garbage.
        let foreign = s.proxied("https://elsewhere.test", url);
        assert_eq!(s.normalise(&cdn, &foreign), foreign);
        let forged = format!(
            "https://cdn.test/proxy/AAAA/{}/a.png",
            URL_SAFE_NO_PAD.encode(url)
        );
        assert_eq!(s.normalise(&cdn, &forged), forged);
        for kept in [
            "https://cdn.test/proxy/",
            "https://cdn.test/proxy/x",
            url,
            "' OR 1=1 --",
            "ü",
        ] {
            assert_eq!(s.normalise(&cdn, kept), kept);
        }
    }

    #[test]
    fn filenames() {
        assert_eq!(filename("https://a.test/b/c.png?x=/y"), "c.png");
        assert_eq!(filename("https://a.test/b/"), "");
        assert_eq!(filename("https://a.test"), "");
        assert_eq!(filename("https://a.test?x=/y.png"), "");
        assert_eq!(filename("https://a.test/b#f/g"), "b");
    }
}
