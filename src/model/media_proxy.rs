//! The media proxy cache screen's data (ui.md §4.13, operations.md §3).

use serde::{Deserialize, Serialize};

/// The most URLs one Unban or Evict may name: the confirmation step carries them in its URL.
pub const MAX_URLS_PER_ACTION: usize = 100;

/// The proxy's state and one page of banned URLs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaProxyScreen {
    pub enabled: bool,
    /// The proxy URLs' base (configured, else this instance's URL).
    pub base_url: String,
    pub invalidation_enabled: bool,
    pub invalidation_provider: Option<String>,
    pub urls: Vec<String>,
    pub count: i64,
    pub page: i64,
    pub page_size: i64,
}

impl MediaProxyScreen {
    /// What a purge does besides banning, in words.
    pub fn invalidation_text(&self) -> String {
        match (
            self.invalidation_enabled,
            self.invalidation_provider.as_deref(),
        ) {
            (false, _) => "Off: purging only bans URLs".into(),
            (true, Some("Pleroma.Web.MediaProxy.Invalidation.Http")) => {
                "HTTP: purging also asks the cache in front of the proxy to drop each URL".into()
            }
            (true, Some(other)) => format!("{other} (not supported by steward: skipped)"),
            (true, None) => "On, but no provider is set: skipped".into(),
        }
    }
}

/// The URLs of an "Evict URLs" box: one per line, blank lines dropped.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evict_box_lines() {
        assert_eq!(
            lines("  https://a.test/x \r\n\n\thttps://b.test/y\n"),
            vec!["https://a.test/x", "https://b.test/y"]
        );
        assert!(lines(" \n ").is_empty());
    }
}
