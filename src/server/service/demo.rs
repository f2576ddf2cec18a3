//! `steward demo`: idempotent demonstration data. Existing accounts are never changed.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::error::AppError;
use crate::server::auth::secrets;
use crate::server::db::accounts::{self, NewAccount};
use crate::server::db::{new_id, now_ms, Db, RowExt};
use crate::server::state::Site;

/// Credentials of the demo staff accounts, printed by the CLI.
pub const DEMO_ADMIN: (&str, &str) = ("demo_admin", "demo-admin-password");
pub const DEMO_MOD: (&str, &str) = ("demo_mod", "demo-mod-password");

const FIRST: &[&str] = &[
    "alex", "sam", "robin", "kim", "jo", "lee", "max", "noa", "ari", "mika", "sasha", "yuki",
    "eli", "rin", "tove",
];
const LAST: &[&str] = &[
    "garden", "river", "stone", "north", "maple", "harbor", "quill", "ember", "cedar", "lumen",
];
const HOSTS: &[&str] = &[
    "mastodon.example",
    "pleroma.example",
    "misskey.example",
    "social.example.org",
    "fedi.example.net",
];
const TAGS: &[&str] = &[
    "mrf_tag:force-unlisted",
    "mrf_tag:sandbox",
    "mrf_tag:media-force-nsfw",
    "verified",
    "spam-watch",
];
const POSTS: &[&str] = &[
    "Good morning, fediverse!",
    "Does anyone know a good recipe for sourdough?",
    "Just moved my account here. Hello!",
    "Reminder: back up your data.",
    "Buy cheap followers now!!! Visit my profile",
    "The sunset today was unreal.",
];

/// What the demo created (zero when it had run before).
#[derive(Debug, Default)]
pub struct DemoSummary {
    pub accounts: usize,
    pub statuses: usize,
    pub reports: usize,
}

/// Creates demo accounts, statuses, reports, invites and log entries that do not exist yet.
pub async fn seed(db: &Db, site: &Site) -> Result<DemoSummary, AppError> {
    let mut summary = DemoSummary::default();
    let mut rng = StdRng::seed_from_u64(7);
    let now = now_ms();
    let mut tx = db.begin().await?;

    let exists = |nick: String| async move {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM accounts WHERE nickname_lower = $1")
            .bind(nick.to_lowercase())
            .fetch_one(&db.pool)
            .await?;
        Ok::<bool, AppError>(row.int("n")? > 0)
    };

    for (nick, password, admin) in [
        (DEMO_ADMIN.0, DEMO_ADMIN.1, true),
        (DEMO_MOD.0, DEMO_MOD.1, false),
    ] {
        if exists(nick.to_string()).await? {
            continue;
        }
        let new = NewAccount {
            nickname: nick.into(),
            email: Some(format!("{nick}@steward.example")),
            password_hash: Some(secrets::hash_password(password)?),
            display_name: Some(if admin {
                "Demo Admin".into()
            } else {
                "Demo Moderator".into()
            }),
            is_admin: admin,
            is_moderator: !admin,
            created_at: Some(now - 90 * 86_400_000),
            ..NewAccount::default()
        };
        accounts::insert(&mut tx, &site.base_url, &new).await?;
        summary.accounts += 1;
    }

    let mut local_ids = Vec::new();
    let mut remote_ids = Vec::new();
    for i in 0..300usize {
        let first = FIRST[i % FIRST.len()];
        let last = LAST[(i / FIRST.len()) % LAST.len()];
        let remote = i % 3 == 2;
        let nick = format!("{first}_{last}{}", i / (FIRST.len() * LAST.len()));
        let domain = remote.then(|| HOSTS[i % HOSTS.len()].to_string());
        let full = match &domain {
            Some(d) => format!("{nick}@{d}"),
            None => nick.clone(),
        };
        if exists(full).await? {
            continue;
        }
        let tags: Vec<String> = if i % 11 == 0 {
            vec![TAGS[i % TAGS.len()].to_string()]
        } else {
            Vec::new()
        };
        let new = NewAccount {
            nickname: nick.clone(),
            domain: domain.clone(),
            email: (!remote).then(|| format!("{nick}@mail.example")),
            display_name: (i % 7 != 0)
                .then(|| format!("{} {}", capitalize(first), capitalize(last))),
            bio: format!("Hi, I am {first}. I like {last}s."),
            actor_type: if i % 29 == 0 {
                "Service".into()
            } else {
                "Person".into()
            },
            is_moderator: !remote && i % 97 == 0,
            deactivated: i % 23 == 0,
            approval_pending: !remote && i % 17 == 0,
            confirmation_pending: !remote && i % 19 == 0,
            registration_reason: (!remote && i % 17 == 0)
                .then(|| "I'd like to join the community.".to_string()),
            locked: i % 13 == 0,
            created_at: Some(
                now - rng.gen_range(0..60) * 86_400_000 - rng.gen_range(0..86_400_000),
            ),
            tags,
            ..NewAccount::default()
        };
        let id = accounts::insert(&mut tx, &site.base_url, &new).await?;
        if remote {
            remote_ids.push((id, domain.unwrap_or_default()));
        } else {
            local_ids.push(id);
        }
        summary.accounts += 1;
    }

    // Statuses and reports only for accounts created now, so repeated runs add nothing.
    let mut status_of: Vec<(String, String)> = Vec::new();
    let authors: Vec<(String, bool, String)> = local_ids
        .iter()
        .map(|id| (id.clone(), true, site.host.clone()))
        .chain(
            remote_ids
                .iter()
                .map(|(id, host)| (id.clone(), false, host.clone())),
        )
        .collect();
    for (n, (author, local, host)) in authors.iter().enumerate() {
        for k in 0..(n % 3) {
            let id = new_id();
            let text = POSTS[(n + k) % POSTS.len()];
            let visibility = ["public", "public", "unlisted", "private", "direct"][(n + k) % 5];
            let created = now - rng.gen_range(0..30) * 86_400_000;
            let uri = if *local {
                format!("{}/objects/{id}", site.base_url)
            } else {
                format!("https://{host}/objects/{id}")
            };
            let url = if *local {
                format!("{}/notice/{id}", site.base_url)
            } else {
                uri.clone()
            };
            sqlx::query(
                "INSERT INTO statuses (id, account_id, local, host, uri, url, content, source, visibility, sensitive,
                   conversation_id, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(&id)
            .bind(author)
            .bind(*local)
            // Hosts are stored lowercase (instance filters compare them so).
            .bind(host.to_lowercase())
            .bind(&uri)
            .bind(&url)
            .bind(super::status_text::render(text, &site.base_url, &|_| None).html)
            .bind(text)
            .bind(visibility)
            .bind(k % 4 == 3)
            // Each demo status starts its own thread.
            .bind(created.saturating_mul(1000) + i64::try_from(summary.statuses % 1000).unwrap_or(0))
            .bind(created)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE accounts SET statuses_count = statuses_count + 1, last_status_at = $1 WHERE id = $2")
                .bind(created)
                .bind(author)
                .execute(&mut *tx)
                .await?;
            status_of.push((author.clone(), id));
            summary.statuses += 1;
        }
    }
    for (n, (reported, status)) in status_of.iter().enumerate().filter(|(n, _)| n % 9 == 0) {
        let Some(reporter) = local_ids.get(n % local_ids.len().max(1)) else {
            break;
        };
        if reporter == reported {
            continue;
        }
        let state = ["open", "open", "closed", "resolved"][n % 4];
        let created = now - rng.gen_range(0..20) * 86_400_000;
        sqlx::query(
            "INSERT INTO reports (id, reporter_id, account_id, status_ids, comment, state, forwarded, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(new_id())
        .bind(reporter)
        .bind(reported)
        .bind(serde_json::to_string(&[status])?)
        .bind("This looks like spam to me.")
        .bind(state)
        .bind(false)
        .bind(created)
        .execute(&mut *tx)
        .await?;
        summary.reports += 1;
    }
    if summary.accounts > 0 {
        for (max_use, expires) in [
            (None, None),
            (Some(5i64), None),
            (None, Some(crate::server::dates::day(now + 7 * 86_400_000))),
        ] {
            let invite_type = match (max_use, &expires) {
                (None, None) => "one_time",
                (Some(_), None) => "reusable",
                (None, Some(_)) => "date_limited",
                (Some(_), Some(_)) => "reusable_date_limited",
            };
            sqlx::query("INSERT INTO invites (token, used, expires_at, uses, max_use, invite_type, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(secrets::random_token_padded())
                .bind(false)
                .bind(expires)
                .bind(0i64)
                .bind(max_use)
                .bind(invite_type)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(summary)
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}
