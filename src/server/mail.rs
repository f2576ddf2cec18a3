//! Outgoing mail (users.md §7; config.md §8 `Pleroma.Emails.Mailer`).
//!
//! A [`Mailer`] is built from the live settings for each use, so a change of adapter or relay made
//! through the config store applies to the next email without a restart. Every message is built
//! with lettre (RFC 5322, multipart/alternative with a plain-text and an HTML part); the transport
//! is either the mailbox folder (`Swoosh.Adapters.Local`, the default) or an SMTP relay.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rand::RngCore;

use crate::error::AppError;
use crate::server::db::accounts::Account;
use crate::server::db::now_ms;
use crate::server::pages::escape;
use crate::server::service::users::strip_tags;
use crate::server::settings::{MailAdapter, Settings, SmtpPolicy, SmtpSettings};
use crate::server::state::Site;

/// How long one SMTP delivery may take before it counts as failed: long enough for a slow relay,
/// short enough that the admin's request does not hang.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Characters left as they are in a link's path segment (RFC 3986 unreserved); the rest, including
/// the `=` padding of tokens, is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A path segment for a link (tokens are URL-safe base64 with `=` padding).
pub fn link_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// `400 {"error":"deliveries_disabled"}`: answered where sending mail is the purpose.
pub fn deliveries_disabled() -> AppError {
    AppError::bad_request("deliveries_disabled")
}

/// `503 {"error":"Could not deliver email"}`.
pub fn delivery_failed() -> AppError {
    AppError::Unavailable("Could not deliver email".into())
}

/// One message, before it is addressed from the instance and encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    /// The recipient's name, when known (`"<name>" <email>`).
    pub to_name: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, Clone)]
enum Transport {
    /// One `.eml` file per message in this folder.
    Local(PathBuf),
    Smtp(SmtpSettings),
}

/// The configured way out for mail.
#[derive(Debug, Clone)]
pub struct Mailer {
    from: Mailbox,
    /// This host without its port: Message-ID domain and SMTP `EHLO` name.
    host: String,
    transport: Transport,
}

impl Mailer {
    /// The mailer the live settings describe; `None` when the mailer is disabled (switched off, or
    /// an adapter steward does not support).
    pub fn from_settings(settings: &Settings, site: &Site) -> Option<Mailer> {
        Mailer::new(settings, &site.host, &site.mailbox_dir)
    }

    /// [`Mailer::from_settings`] from the parts of the site it needs: this `host[:port]` and the
    /// mailbox folder of the default transport.
    pub fn new(settings: &Settings, host: &str, mailbox_dir: &Path) -> Option<Mailer> {
        if !settings.mailer_enabled() {
            return None;
        }
        let transport = match settings.mail_adapter {
            MailAdapter::Local => Transport::Local(mailbox_dir.to_path_buf()),
            MailAdapter::Smtp => Transport::Smtp(settings.smtp.clone()),
            MailAdapter::Unsupported(_) => return None,
        };
        let host = host_without_port(host).to_string();
        Some(Mailer {
            from: sender(settings, &host),
            host,
            transport,
        })
    }

    /// The mailer, or `400 deliveries_disabled` for endpoints whose purpose is sending mail.
    pub fn required(settings: &Settings, site: &Site) -> Result<Mailer, AppError> {
        Mailer::from_settings(settings, site).ok_or_else(deliveries_disabled)
    }

    /// Builds and delivers one message; any failure is logged and answered as
    /// `503 Could not deliver email` (the cause never reaches the client).
    pub async fn send(&self, email: &Email) -> Result<(), AppError> {
        let message = self.build(email)?;
        match &self.transport {
            Transport::Local(dir) => write_to_mailbox(dir, &message.formatted()).await,
            Transport::Smtp(smtp) => {
                let transport = smtp_transport(smtp, &self.host)?;
                transport.send(message).await.map(|_| ()).map_err(|e| {
                    tracing::warn!(error = %e, relay = %smtp.relay, "SMTP delivery failed");
                    delivery_failed()
                })
            }
        }
    }

    fn build(&self, email: &Email) -> Result<Message, AppError> {
        let address: Address = email.to.parse().map_err(|e| {
            tracing::warn!(error = %e, "unusable recipient address");
            delivery_failed()
        })?;
        let to = Mailbox::new(
            email
                .to_name
                .as_deref()
                .map(header_text)
                .filter(|n| !n.is_empty()),
            address,
        );
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(header_text(&email.subject))
            .message_id(Some(format!("<{}@{}>", random_hex(12), self.host)))
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
            .map_err(|e| {
                tracing::warn!(error = %e, "could not build an email");
                delivery_failed()
            })
    }
}

/// `"<instance name>" <notify_email>`, falling back to `no-reply@<host>` when no usable notify
/// address is configured.
fn sender(settings: &Settings, host: &str) -> Mailbox {
    let name = Some(header_text(&settings.name)).filter(|n| !n.is_empty());
    let configured = settings.notify_email.trim();
    let address = match configured.parse::<Address>() {
        Ok(address) => address,
        Err(e) => {
            if !configured.is_empty() {
                tracing::warn!(error = %e, notify_email = configured, "ignoring unusable notify_email");
            }
            Address::new("no-reply", host)
                .unwrap_or_else(|_| Address::new_dangerous("no-reply", "localhost"))
        }
    };
    Mailbox::new(name, address)
}

/// Text for a header (a name, the subject): control characters become spaces. Names and subjects
/// come from people (display names, the instance name), and a line break must neither start a new
/// header nor reach lettre, which cannot encode one.
fn header_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// `host[:port]` without the port (`[::1]:3000` → `[::1]`).
pub fn host_without_port(host: &str) -> &str {
    if let Some(end) = host.find(']') {
        return &host[..=end];
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `<unix-ms>-<random>.eml`. The file appears under its final name only when complete
/// (written under a dot-name, then renamed), so a reader of the folder never sees half a message.
async fn write_to_mailbox(dir: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let name = format!("{}-{}.eml", now_ms(), random_hex(8));
    let partial = dir.join(format!(".{name}.part"));
    let result = async {
        tokio::fs::create_dir_all(dir).await?;
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, dir.join(&name)).await
    }
    .await;
    result.map_err(|e| {
        tracing::warn!(error = %e, dir = %dir.display(), "could not write to the mailbox folder");
        delivery_failed()
    })
}

fn smtp_transport(
    smtp: &SmtpSettings,
    host: &str,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, AppError> {
    if smtp.relay.is_empty() {
        tracing::warn!("the SMTP adapter is selected but no relay is configured");
        return Err(delivery_failed());
    }
    let tls_parameters = || {
        TlsParameters::new(smtp.relay.clone()).map_err(|e| {
            tracing::warn!(error = %e, relay = %smtp.relay, "unusable TLS parameters");
            delivery_failed()
        })
    };
    let tls = if smtp.ssl {
        Tls::Wrapper(tls_parameters()?)
    } else {
        match smtp.tls {
            SmtpPolicy::Always => Tls::Required(tls_parameters()?),
            SmtpPolicy::IfAvailable => Tls::Opportunistic(tls_parameters()?),
            SmtpPolicy::Never => Tls::None,
        }
    };
    let hello = match host.trim_matches(['[', ']']).parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ClientId::Ipv4(ip),
        Ok(IpAddr::V6(ip)) => ClientId::Ipv6(ip),
        Err(_) => ClientId::Domain(host.to_string()),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.relay)
        .port(smtp.port)
        .tls(tls)
        .hello_name(hello)
        .timeout(Some(SMTP_TIMEOUT));
    // lettre authenticates whenever it has credentials, so `:if_available` and `:always` both mean
    // "log in with the configured username"; `:never` never sends them.
    if smtp.auth != SmtpPolicy::Never {
        if let Some(username) = &smtp.username {
            builder = builder.credentials(Credentials::new(
                username.clone(),
                smtp.password.clone().unwrap_or_default(),
            ));
        }
    }
    Ok(builder.build())
}

/// The name an account is addressed by: its display name without markup, else its nickname.
fn account_name(account: &Account) -> String {
    match account.display_name.as_deref().map(strip_tags) {
        Some(name) if !name.trim().is_empty() => name,
        _ => account.nickname.clone(),
    }
}

/// Text and HTML bodies from paragraphs, with the link last.
fn bodies(heading: &str, paragraphs: &[String], link_intro: &str, link: &str) -> (String, String) {
    let mut text = String::new();
    let mut html = format!("<h3>{}</h3>", escape(heading));
    for p in paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>", escape(p)));
    }
    text.push_str(&format!("{link_intro}\n{link}\n"));
    html.push_str(&format!(
        r#"<p>{}<br><a href="{link}">{link}</a></p>"#,
        escape(link_intro),
        link = escape(link)
    ));
    (text, html)
}

/// The invitation email (users.md §7): `inviter` is the inviting staff member's display name.
pub fn invitation(
    settings: &Settings,
    base_url: &str,
    inviter: &str,
    to: &str,
    to_name: Option<&str>,
    token: &str,
) -> Email {
    let instance = &settings.name;
    let link = format!("{base_url}/registration/{}", link_segment(token));
    let (text, html) = bodies(
        &format!("You are invited to {instance}"),
        &[format!("{inviter} invites you to join {instance}.")],
        "Click the following link to register:",
        &link,
    );
    Email {
        to: to.to_string(),
        to_name: to_name.map(str::to_string),
        subject: format!("Invitation to {instance}"),
        text,
        html,
    }
}

/// The account confirmation email (users.md §7).
pub fn confirmation(settings: &Settings, base_url: &str, account: &Account, token: &str) -> Email {
    let instance = &settings.name;
    let link = format!(
        "{base_url}/api/account/confirm_email/{}/{}",
        link_segment(&account.id),
        link_segment(token)
    );
    let (text, html) = bodies(
        &format!("Thank you for registering on {instance}"),
        &[format!(
            "Email confirmation is required to activate the account @{}.",
            account.nickname
        )],
        "Click the following link to proceed:",
        &link,
    );
    Email {
        to: account.email.clone().unwrap_or_default(),
        to_name: Some(account_name(account)),
        subject: format!("{instance} account confirmation"),
        text,
        html,
    }
}

/// The password reset email (users.md §7, client-api.md §7).
pub fn password_reset(
    settings: &Settings,
    base_url: &str,
    account: &Account,
    token: &str,
) -> Email {
    let instance = &settings.name;
    let link = format!(
        "{base_url}/api/pleroma/password_reset/{}",
        link_segment(token)
    );
    let (text, html) = bodies(
        &format!("Reset your password at {instance}"),
        &[
            format!(
                "Someone has requested a password change for your account @{} at {instance}.",
                account.nickname
            ),
            "If it was someone else, nothing to worry about: your password has not been changed."
                .to_string(),
        ],
        "If it was you, visit the following link to proceed:",
        &link,
    );
    Email {
        to: account.email.clone().unwrap_or_default(),
        to_name: Some(account_name(account)),
        subject: "Password reset".to_string(),
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_removed_from_hosts() {
        assert_eq!(host_without_port("example.org:8443"), "example.org");
        assert_eq!(host_without_port("example.org"), "example.org");
        assert_eq!(host_without_port("[::1]:3000"), "[::1]");
        assert_eq!(host_without_port("127.0.0.1:80"), "127.0.0.1");
    }

    #[test]
    fn tokens_are_encoded_in_links() {
        assert_eq!(link_segment("ab-_c=="), "ab-_c%3D%3D");
    }

    #[test]
    fn sender_falls_back_to_no_reply() {
        let mut settings = Settings {
            name: "Fedi \"Club\"".into(),
            ..Settings::default()
        };
        let from = sender(&settings, "social.example");
        assert_eq!(from.email.to_string(), "no-reply@social.example");
        assert_eq!(from.name.as_deref(), Some("Fedi \"Club\""));
        settings.notify_email = "staff@social.example".into();
        assert_eq!(
            sender(&settings, "x").email.to_string(),
            "staff@social.example"
        );
        settings.notify_email = "not an address".into();
        assert_eq!(
            sender(&settings, "127.0.0.1").email.to_string(),
            "no-reply@127.0.0.1"
        );
    }

    #[tokio::test]
    async fn local_adapter_writes_one_eml_per_message() {
        let dir = std::env::temp_dir().join(format!("steward-mail-{}", random_hex(6)));
        let settings = Settings {
            name: "Social".into(),
            ..Settings::default()
        };
        let mailer = Mailer::new(&settings, "social.example:8443", &dir);
        let email = invitation(
            &settings,
            "https://social.example:8443",
            "Alice",
            "bob@example.com",
            Some("Bob"),
            "tok==",
        );
        assert_eq!(email.subject, "Invitation to Social");
        let sent = match mailer {
            Some(m) => m.send(&email).await.map_err(|e| e.message()),
            None => Err("mailer disabled".into()),
        };
        assert_eq!(sent, Ok(()));
        let files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        assert_eq!(files.len(), 1);
        let name = files[0]
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let (ms, rest) = name.split_once('-').unwrap_or_default();
        assert!(
            ms.parse::<i64>().is_ok() && rest.ends_with(".eml"),
            "{name}"
        );
        let content = std::fs::read_to_string(&files[0]).unwrap_or_default();
        assert!(
            content.contains("From: Social <no-reply@social.example>"),
            "{content}"
        );
        assert!(content.contains("To: Bob <bob@example.com>"), "{content}");
        assert!(content.contains("Subject: Invitation to Social"));
        assert!(content.contains("multipart/alternative"));
        assert!(content.contains("text/html"));
        assert!(content.contains("https://social.example:8443/registration/tok%3D%3D"));
        assert!(content.contains("Alice invites you to join Social."));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn smtp_transports_build_for_every_tls_mode() {
        for (ssl, tls) in [
            (false, SmtpPolicy::IfAvailable),
            (false, SmtpPolicy::Always),
            (false, SmtpPolicy::Never),
            (true, SmtpPolicy::Never),
        ] {
            let smtp = SmtpSettings {
                relay: "smtp.example".into(),
                ssl,
                tls,
                username: Some("u".into()),
                ..SmtpSettings::default()
            };
            assert!(smtp_transport(&smtp, "social.example").is_ok(), "{smtp:?}");
        }
        assert!(
            smtp_transport(&SmtpSettings::default(), "127.0.0.1").is_err(),
            "no relay configured"
        );
    }

    #[test]
    fn header_values_cannot_inject_headers() {
        let settings = Settings {
            name: "Club\r\nBcc: a@b.c".into(),
            ..Settings::default()
        };
        let mailer = Mailer::new(&settings, "h.example", Path::new("m"));
        let email = invitation(
            &settings,
            "http://h.example",
            "x",
            "to@example.com",
            Some("Bob\r\nBcc: evil@example.com"),
            "t",
        );
        let formatted = mailer
            .and_then(|m| m.build(&email).ok())
            .map(|m| String::from_utf8_lossy(&m.formatted()).into_owned())
            .unwrap_or_default();
        let head = formatted.split("\r\n\r\n").next().unwrap_or_default();
        assert!(head.contains("To: "), "{formatted}");
        assert!(!head.lines().any(|l| l.starts_with("Bcc:")), "{formatted}");
    }

    #[test]
    fn disabled_mailer() {
        let settings = Settings {
            mailer_enabled_flag: false,
            ..Settings::default()
        };
        assert_eq!(
            Mailer::new(&settings, "h", Path::new("m"))
                .ok_or_else(deliveries_disabled)
                .err()
                .map(|e| e.message()),
            Some("deliveries_disabled".to_string())
        );
    }
}
