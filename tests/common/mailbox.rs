//! Reading what steward's default mail transport wrote: one RFC 5322 `.eml` file per message in
//! `site.mailbox_dir`. Just enough MIME to follow links in tests (7bit, quoted-printable, base64).

use std::path::PathBuf;

use super::TestApp;

/// One delivered message.
#[derive(Debug, Clone)]
pub struct Mail {
    pub file: PathBuf,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub content_type: String,
    /// The decoded `text/plain` part.
    pub text: String,
    /// The decoded `text/html` part.
    pub html: String,
}

impl Mail {
    /// The first link in the text part that starts with `<base><path_prefix>`.
    pub fn link(&self, base: &str, path_prefix: &str) -> String {
        let start = format!("{base}{path_prefix}");
        let at = self
            .text
            .find(&start)
            .unwrap_or_else(|| panic!("no link {start} in {}", self.text));
        self.text[at..]
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()
    }

    /// The link's path (without the base), ready for `TestApp::get`.
    pub fn path(&self, base: &str, path_prefix: &str) -> String {
        self.link(base, path_prefix)[base.len()..].to_string()
    }
}

/// Every message in delivery order (file names start with Unix milliseconds).
pub fn all(app: &TestApp) -> Vec<Mail> {
    let dir = &app.state.site.mailbox_dir;
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files.into_iter().map(parse_file).collect()
}

/// Messages whose `To` contains `address`.
pub fn to(app: &TestApp, address: &str) -> Vec<Mail> {
    all(app)
        .into_iter()
        .filter(|m| m.to.contains(address))
        .collect()
}

/// The only message to `address`.
pub fn only_to(app: &TestApp, address: &str) -> Mail {
    let mut list = to(app, address);
    assert_eq!(list.len(), 1, "messages to {address}: {list:#?}");
    list.remove(0)
}

fn parse_file(file: PathBuf) -> Mail {
    let raw = std::fs::read_to_string(&file).expect("read eml");
    let (headers, body) = split_head(&raw);
    let header = |name: &str| header_value(&headers, name);
    let content_type = header("content-type");
    let mut mail = Mail {
        file,
        from: header("from"),
        to: header("to"),
        subject: header("subject"),
        content_type: content_type.clone(),
        text: String::new(),
        html: String::new(),
    };
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .map(|b| b.trim_matches('"').to_string())
        .expect("multipart boundary");
    for part in body.split(&format!("--{boundary}")).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let (part_headers, part_body) = split_head(part.trim_start_matches("\r\n"));
        let kind = header_value(&part_headers, "content-type");
        let encoding = header_value(&part_headers, "content-transfer-encoding").to_lowercase();
        let decoded = decode(part_body.trim_end_matches("\r\n"), &encoding);
        if kind.starts_with("text/plain") {
            mail.text = decoded;
        } else if kind.starts_with("text/html") {
            mail.html = decoded;
        }
    }
    mail
}

fn split_head(text: &str) -> (Vec<(String, String)>, String) {
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push_str(line.trim_start());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.to_lowercase(), value.trim().to_string()));
        }
    }
    (headers, body.to_string())
}

fn header_value(headers: &[(String, String)], name: &str) -> String {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn decode(body: &str, encoding: &str) -> String {
    match encoding {
        "quoted-printable" => quoted_printable(body),
        "base64" => base64(&body.replace("\r\n", "")),
        _ => body.replace("\r\n", "\n"),
    }
}

fn quoted_printable(body: &str) -> String {
    let joined = body.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}

fn base64(body: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in body.bytes().filter(|c| *c != b'=') {
        let Some(v) = ALPHABET.iter().position(|a| *a == c) else {
            continue;
        };
        buffer = (buffer << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}

/// A minimal SMTP server on 127.0.0.1 (no TLS, no AUTH) that accepts every message and hands each
/// one's DATA over the channel. Returns its port.
pub async fn fake_smtp() -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind fake smtp");
    let port = listener.local_addr().expect("addr").port();
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let sender = sender.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 fake ESMTP\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(buffer) = data.as_mut() {
                        if line == "." {
                            let _ = sender.send(std::mem::take(buffer));
                            data = None;
                            let _ = write.write_all(b"250 queued\r\n").await;
                        } else {
                            buffer.push_str(&line);
                            buffer.push_str("\r\n");
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or(&line).to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 fake\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (port, receiver)
}

/// A port on 127.0.0.1 where nothing listens (connections are refused).
pub async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    port
}
