//! What the benchmarks share (README "Benchmarks"): the seeded accounts, the in-process server,
//! the load generator and its percentiles, `EXPLAIN` capture, the machine description, the
//! Markdown table and the splicing of a generated block into BENCHMARKS.md.
//!
//! Each bench target includes this module (`mod common;`) and uses part of it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::{Connection, Row as _};
use steward::server::db::Backend;
use steward::server::service::accounts;
use steward::server::state::AppState;
use steward::server::{Application, Config};

pub const P: &str = "/api/pleroma/admin";

/// "SQLite" or "PostgreSQL".
pub fn label(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    }
}

/// `--backend` values.
pub fn parse_backends(value: &str) -> Option<Vec<Backend>> {
    Some(match value {
        "sqlite" => vec![Backend::Sqlite],
        "postgres" | "postgresql" | "pg" => vec![Backend::Postgres],
        "both" => vec![Backend::Sqlite, Backend::Postgres],
        _ => return None,
    })
}

/// Ends the run when PostgreSQL is wanted without `BENCH_DATABASE_URL`.
pub fn require_pg_url(backends: &[Backend]) {
    if backends.contains(&Backend::Postgres)
        && std::env::var("BENCH_DATABASE_URL").map_or(true, |u| u.is_empty())
    {
        eprintln!("BENCH_DATABASE_URL is not set: `eval \"$(scripts/pg.sh start)\"; export BENCH_DATABASE_URL=$TEST_DATABASE_URL`, or --backend sqlite");
        std::process::exit(2);
    }
}

// ---------------------------------------------------------------------------------------------
// ---------------------------------------------------------------------------------------------
// Seed data: word lists the SQL picks from (fixed-width, so `substr` can index them).

pub const FIRST: &[&str] = &[
    "alice",
    "bob",
    "carol",
    "dave",
    "eve",
    "frank",
    "grace",
    "heidi",
    "ivan",
    "judy",
    "mallory",
    "oscar",
    "peggy",
    "rupert",
    "sybil",
    "trent",
    "victor",
    "walter",
    "aaron",
    "abigail",
    "adam",
    "adrian",
    "aisha",
    "alex",
    "alexander",
    "alexandra",
    "ali",
    "amelia",
    "amir",
    "ana",
    "andre",
    "andrea",
    "andrew",
    "angela",
    "anna",
    "anton",
    "arthur",
    "ava",
    "beatrice",
    "ben",
    "benjamin",
    "bernard",
    "bianca",
    "boris",
    "brian",
    "bruno",
    "camille",
    "carlos",
    "caroline",
    "charles",
    "charlotte",
    "chen",
    "chloe",
    "chris",
    "claire",
    "clara",
    "daniel",
    "david",
    "diana",
    "diego",
    "dmitri",
    "elena",
    "elias",
    "elijah",
    "elizabeth",
    "ella",
    "emil",
    "emily",
    "emma",
    "eric",
    "ethan",
    "fatima",
    "felix",
    "fiona",
    "francesca",
    "gabriel",
    "george",
    "hannah",
    "harry",
    "hassan",
    "helen",
    "henry",
    "hugo",
    "ines",
    "isaac",
    "isabel",
    "jack",
    "jacob",
    "james",
    "jana",
    "jasmine",
    "jean",
    "jennifer",
    "jessica",
    "joao",
    "john",
    "jonas",
    "jose",
    "joseph",
    "julia",
    "julian",
    "kai",
    "karen",
    "kate",
    "katherine",
    "kevin",
    "laura",
    "leo",
    "liam",
    "lina",
    "lucas",
    "lucy",
    "luis",
    "maria",
    "mark",
    "marta",
    "martin",
    "mary",
    "mateo",
    "max",
    "mei",
    "mia",
    "michael",
    "miguel",
    "mohamed",
    "nadia",
    "natalie",
    "nina",
    "noah",
    "olga",
    "oliver",
    "olivia",
    "omar",
    "paul",
    "pedro",
    "peter",
    "priya",
    "rachel",
    "rafael",
    "robert",
    "rosa",
    "ryan",
    "sam",
    "sara",
    "sebastian",
    "sofia",
    "sophie",
    "stefan",
    "thomas",
    "tom",
    "yuki",
    "zoe",
];

pub const LAST: &[&str] = &[
    "smith",
    "johnson",
    "williams",
    "brown",
    "jones",
    "garcia",
    "miller",
    "davis",
    "rodriguez",
    "martinez",
    "hernandez",
    "lopez",
    "gonzalez",
    "wilson",
    "anderson",
    "thomas",
    "taylor",
    "moore",
    "jackson",
    "martin",
    "lee",
    "perez",
    "thompson",
    "white",
    "harris",
    "sanchez",
    "clark",
    "ramirez",
    "lewis",
    "robinson",
    "walker",
    "young",
    "allen",
    "king",
    "wright",
    "scott",
    "torres",
    "nguyen",
    "hill",
    "flores",
    "green",
    "adams",
    "nelson",
    "baker",
    "hall",
    "rivera",
    "campbell",
    "mitchell",
    "carter",
    "roberts",
    "muller",
    "schmidt",
    "schneider",
    "fischer",
    "weber",
    "meyer",
    "wagner",
    "becker",
    "schulz",
    "hoffmann",
    "rossi",
    "russo",
    "ferrari",
    "esposito",
    "bianchi",
    "romano",
    "silva",
    "santos",
    "costa",
    "oliveira",
    "dubois",
    "durand",
    "leroy",
    "moreau",
    "laurent",
    "kowalski",
    "nowak",
    "novak",
    "ivanov",
    "petrov",
    "sato",
    "suzuki",
    "takahashi",
    "tanaka",
    "watanabe",
    "kim",
    "park",
    "choi",
    "wang",
    "li",
    "zhang",
    "liu",
    "chen",
    "yang",
    "singh",
    "kumar",
    "sharma",
    "patel",
    "khan",
    "ahmed",
    "ali",
    "hassan",
    "cohen",
    "levi",
    "murphy",
    "kelly",
    "obrien",
    "byrne",
    "jensen",
    "nielsen",
    "hansen",
    "larsen",
    "berg",
    "lindqvist",
    "virtanen",
];

/// Instance names; a domain is `word.tld` for 300 combinations, the first ones most popular.
pub const DOMAIN_WORDS: &[&str] = &[
    "mastodon",
    "fosstodon",
    "hachyderm",
    "infosec",
    "mstdn",
    "pleroma",
    "akkoma",
    "misskey",
    "chaos",
    "toot",
    "fedi",
    "kolektiva",
    "octodon",
    "mas",
    "tech",
    "social",
    "queer",
    "cats",
    "birds",
    "art",
    "music",
    "photo",
    "writing",
    "scholar",
    "science",
    "linux",
    "rust",
    "python",
    "gamedev",
    "retro",
    "climate",
    "green",
    "city",
    "berlin",
    "paris",
    "tokyo",
    "london",
    "nyc",
    "sf",
    "nz",
    "aus",
    "brazil",
    "mexico",
    "india",
    "norden",
    "alpine",
    "coast",
    "river",
    "forest",
    "garden",
    "coffee",
    "books",
    "film",
    "anime",
    "ttrpg",
    "chess",
    "running",
    "bikes",
    "trains",
    "space",
];
pub const TLDS: &[&str] = &["social", "online", "xyz", "org", "net"];
pub const MAIL_DOMAINS: &[&str] = &[
    "example.com",
    "mail.example.org",
    "example.net",
    "post.example",
    "inbox.example.com",
    "example.edu",
];
pub const TAGS: &[&str] = &[
    "mrf_tag:media-force-nsfw",
    "mrf_tag:media-strip",
    "mrf_tag:force-unlisted",
    "mrf_tag:sandbox",
    "mrf_tag:disable-remote-subscription",
    "mrf_tag:disable-any-subscription",
    "verified",
    "spam",
    "friend",
    "staff-pick",
];

/// Words padded to `width` and concatenated: `substr(list, k * width + 1, width)` is word k.
pub fn packed(words: &[&str], width: usize) -> String {
    words
        .iter()
        .map(|w| {
            assert!(
                w.len() <= width && w.bytes().all(|b| b.is_ascii_lowercase() || b == b'.'),
                "bad seed word {w}"
            );
            format!("{w:width$}")
        })
        .collect()
}

/// `list[k]` in SQL, for a packed list.
pub fn pick(list: &[&str], width: usize, k: &str) -> String {
    format!(
        "rtrim(substr('{}', CAST(({k}) * {width} + 1 AS INTEGER), {width}))",
        packed(list, width)
    )
}

pub fn capitalized(word: &str) -> String {
    format!("upper(substr({word}, 1, 1)) || substr({word}, 2)")
}

/// A SQL `CASE` picking from a short list of strings by an integer expression.
pub fn case_of(list: &[&str], k: &str) -> String {
    let mut sql = format!("CASE ({k})");
    for (n, item) in list.iter().enumerate() {
        write!(sql, " WHEN {n} THEN '{}'", item.replace('\'', "''")).expect("write");
    }
    sql.push_str(" END");
    sql
}

/// The rows `i = 1..=n` with six independent 24-bit hashes of `i` (h1…h6).
pub fn hashed_series(backend: Backend, n: u64) -> String {
    let series = match backend {
        Backend::Sqlite => format!(
            "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s) AS s"
        ),
        Backend::Postgres => format!("generate_series(1::bigint, {n}::bigint) AS s(i)"),
    };
    format!(
        "(SELECT i, {} AS h1, {} AS h2, {} AS h3, {} AS h4, {} AS h5, {} AS h6 FROM {series}) AS g",
        hash_sql(1, "i"),
        hash_sql(2, "i"),
        hash_sql(3, "i"),
        hash_sql(4, "i"),
        hash_sql(5, "i"),
        hash_sql(6, "i"),
    )
}

/// Hash `which` (1…6, as h1…h6 of [`hashed_series`]) of the row number `i` (an SQL expression), so
/// a row can compute what another row of the same series holds.
pub fn hash_sql(which: usize, i: &str) -> String {
    let (a, b): (u64, u64) = match which {
        1 => (2_654_435_761, 1_013_904_223),
        2 => (2_246_822_519, 3_266_489_917),
        3 => (3_266_489_917, 668_265_263),
        4 => (668_265_263, 374_761_393),
        5 => (374_761_393, 2_654_435_761),
        _ => (1_103_515_245, 12_345),
    };
    format!("((({i}) * {a} + {b}) % 4294967296) / 256")
}

/// The id of row `i`, cut from the bound blob of 22-byte ids (`$1`).
pub fn id_of_row(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "CAST(substr($1, CAST((i - 1) * 22 + 1 AS INTEGER), 22) AS TEXT)",
        Backend::Postgres => {
            "convert_from(substring($1::bytea FROM CAST((i - 1) * 22 + 1 AS INTEGER) FOR 22), 'UTF8')"
        }
    }
}

/// The id of row `row` (an SQL expression) cut from the id blob bound as `param` (`$2`).
pub fn id_at(backend: Backend, param: &str, row: &str) -> String {
    match backend {
        Backend::Sqlite => {
            format!("CAST(substr({param}, CAST((({row}) - 1) * 22 + 1 AS INTEGER), 22) AS TEXT)")
        }
        Backend::Postgres => format!(
            "convert_from(substring({param}::bytea FROM CAST((({row}) - 1) * 22 + 1 AS INTEGER) FOR 22), 'UTF8')"
        ),
    }
}

/// Shape of the seeded population (see README "Benchmarks").
pub struct Mix {
    pub n: u64,
    pub admin_every: u64,
    pub moderator_every: u64,
}

impl Mix {
    pub fn new(n: u64) -> Mix {
        Mix {
            n,
            admin_every: (n / 25).max(2),
            moderator_every: (n / 40).max(3),
        }
    }
}

/// `INSERT INTO accounts … SELECT …` generating every account from `i`:
/// ~70 % local; remote ones over 300 domains (a few big instances); 3 % deactivated; ~1 % pending
/// approval and ~2 % unconfirmed (local only); ~25 admins and ~40 moderators at 1M (local only);
/// 1 % of remote and 0.3 % of local accounts are Service actors, a few Group/Application;
/// ~90 % have a display name. Nicknames are names plus the row number (unique by construction).
pub fn accounts_insert(backend: Backend, mix: &Mix, base_url: &str, password_hash: &str) -> String {
    let n = mix.n;
    let base_url = base_url.replace('\'', "''");
    let password_hash = password_hash.replace('\'', "''");
    let now = chrono::Utc::now().timestamp_millis();
    let span: i64 = 5 * 365 * 86_400_000; // five years of sign-ups
    let t0 = now - span - 86_400_000;
    let step = span / i64::try_from(n).expect("n fits i64");
    let nf = FIRST.len();
    let nl = LAST.len();
    let nd = DOMAIN_WORDS.len() as u64;
    let first = pick(FIRST, 10, &format!("h2 % {nf}"));
    let last = pick(LAST, 10, &format!("h3 % {nl}"));
    // Domain popularity: the product of two uniform numbers skews towards the first domains.
    let d = "(((h2 / 1000) % 300) * ((h3 / 1000) % 300) / 300)".to_string();
    let domain = format!(
        "{} || '.' || {}",
        pick(DOMAIN_WORDS, 10, &format!("{d} % {nd}")),
        pick(TLDS, 6, &format!("{d} / {nd}"))
    );
    let words = format!(
        "(SELECT i, h1, h2, h3, h4, h5, h6, (h1 % 100 < 70) AS loc, (h1 / 100) % 10 AS pattern,
                 {first} AS first, {last} AS last, {domain} AS dom
          FROM {series}) AS w",
        series = hashed_series(backend, n)
    );
    let (cf, cl) = (capitalized("first"), capitalized("last"));
    let nick_base = format!(
        "CASE pattern
           WHEN 0 THEN first || last || CAST(i AS TEXT)
           WHEN 1 THEN first || last || CAST(i AS TEXT)
           WHEN 2 THEN first || '_' || last || CAST(i AS TEXT)
           WHEN 3 THEN first || '_' || last || CAST(i AS TEXT)
           WHEN 4 THEN first || CAST(i AS TEXT)
           WHEN 5 THEN first || CAST(i AS TEXT)
           WHEN 6 THEN {cf} || {cl} || CAST(i AS TEXT)
           WHEN 7 THEN first || '-' || last || CAST(i AS TEXT)
           WHEN 8 THEN substr(first, 1, 1) || last || CAST(i AS TEXT)
           ELSE {cf} || '_' || CAST(i AS TEXT) END"
    );
    let display_name = format!(
        "CASE (h5 / 10) % 20
           WHEN 0 THEN NULL
           WHEN 1 THEN NULL
           WHEN 2 THEN {cf} || ' ' || {cl} || ' 🐘'
           WHEN 3 THEN {cf}
           WHEN 4 THEN {cf} || ' (' || {cl} || ')'
           ELSE {cf} || ' ' || {cl} END"
    );
    let mail = pick(MAIL_DOMAINS, 17, &format!("h5 % {}", MAIL_DOMAINS.len()));
    let based = format!(
        "(SELECT i, h1, h2, h3, h4, h5, h6, loc, dom, {nick_base} AS nb, {display_name} AS dn,
                 (loc AND (h4 / 1000) % 1000 < 14) AS pending
          FROM {words}) AS b"
    );
    let actor_type = "CASE WHEN loc THEN (CASE WHEN (h5 / 1000) % 1000 < 3 THEN 'Service' ELSE 'Person' END)
           ELSE (CASE WHEN (h5 / 1000) % 1000 < 10 THEN 'Service' WHEN (h5 / 1000) % 1000 < 12 THEN 'Group'
                      WHEN (h5 / 1000) % 1000 < 13 THEN 'Application' ELSE 'Person' END) END";
    format!(
        "INSERT INTO accounts (id, nickname, nickname_lower, local, domain, email, email_lower, password_hash,
           display_name, display_name_lower, ap_id, profile_url, actor_type, is_admin, is_moderator, deactivated,
           approval_pending, confirmation_pending, registration_reason, created_at, updated_at)
         SELECT {id}, nick, lower(nick), loc, CASE WHEN loc THEN NULL ELSE dom END, email, lower(email),
           CASE WHEN loc THEN '{password_hash}' END, dn, lower(dn),
           CASE WHEN loc THEN '{base_url}/users/' || nb ELSE 'https://' || dom || '/users/' || nb END,
           CASE WHEN loc THEN '{base_url}/users/' || nb ELSE 'https://' || dom || '/@' || nb END,
           {actor_type},
           (loc AND i % {ae} = 7 % {ae}), (loc AND i % {me} = 3 % {me}), (h4 % 1000 < 30), pending,
           (loc AND h6 % 1000 < 29),
           CASE WHEN pending THEN 'I would like to join this instance.' END,
           {t0} + (i - 1) * {step}, {t0} + (i - 1) * {step}
         FROM (SELECT b.*, CASE WHEN loc THEN nb ELSE nb || '@' || dom END AS nick,
                      CASE WHEN loc THEN nb || '@' || {mail} END AS email
               FROM {based}) AS x",
        id = id_of_row(backend),
        ae = mix.admin_every,
        me = mix.moderator_every,
    )
}

/// Tags on ~2 % of the accounts (~0.5 % carry two), mostly `mrf_tag:…`.
pub fn tags_insert(backend: Backend, n: u64, position: u32) -> String {
    let series = hashed_series(backend, n);
    let (tag, share) = if position == 0 {
        (case_of(TAGS, "(h6 / 1000000) % 10"), 20)
    } else {
        (case_of(TAGS, "((h6 / 1000000) % 10 + 1 + h6 % 7) % 10"), 5)
    };
    format!(
        "INSERT INTO account_tags (account_id, position, tag)
         SELECT {id}, {position}, {tag} FROM {series} WHERE (h6 / 1000) % 1000 < {share}",
        id = id_of_row(backend),
    )
}

/// Time-sortable ids exactly as `db::ids` makes them (48 bits of ms, 24 bits of sequence, 56 random
/// bits, 22 base62 digits), one per row, for creation times `t0 + (i - 1) * step`.
pub fn id_blob(n: u64, t0: i64, step: i64) -> Vec<u8> {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(22 * n as usize);
    for i in 0..n {
        // splitmix64 for the random bits
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let ms = u128::from(u64::try_from(t0 + i64::try_from(i).expect("i") * step).expect("ms"));
        let mut value = (ms << 80) | u128::from(z >> 8);
        let mut digits = [b'0'; 22];
        for slot in digits.iter_mut().rev() {
            *slot = ALPHABET[(value % 62) as usize];
            value /= 62;
        }
        out.extend_from_slice(&digits);
    }
    out
}

/// A schema object's name and its `CREATE` statement.
pub type NamedSql = (String, String);

pub struct SeedReport {
    pub rows_s: f64,
    pub indexes_s: f64,
    pub derived_s: f64,
    pub analyze_s: f64,
    pub summary: String,
}

pub async fn exec(conn: &mut sqlx::AnyConnection, sql: &str) {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("seed SQL failed: {e}\n{sql}"));
}

/// Seeds `mix.n` accounts through the migrated schema of `url`.
pub async fn seed(url: &str, backend: Backend, mix: &Mix, base_url: &str) -> SeedReport {
    let hash = steward::server::auth::secrets::hash_password("bench-password").expect("hash");
    let mut conn = sqlx::AnyConnection::connect(url)
        .await
        .expect("seed connection");
    let now = chrono::Utc::now().timestamp_millis();
    let span: i64 = 5 * 365 * 86_400_000;
    let t0 = now - span - 86_400_000;
    let step = span / i64::try_from(mix.n).expect("n");
    let ids = id_blob(mix.n, t0, step);

    // What must be off during the load: triggers (SQLite has no DISABLE TRIGGER, so they are dropped
    // and re-created from their stored text) and secondary indexes (re-created from the catalog).
    let (saved_triggers, saved_indexes): (Vec<NamedSql>, Vec<NamedSql>) = match backend {
        Backend::Sqlite => {
            exec(&mut conn, "PRAGMA cache_size = -262144").await;
            exec(&mut conn, "PRAGMA temp_store = MEMORY").await;
            let rows = sqlx::query(
                "SELECT type, name, sql FROM sqlite_master
                 WHERE tbl_name = 'accounts' AND type IN ('trigger', 'index') AND sql IS NOT NULL ORDER BY name",
            )
            .fetch_all(&mut conn)
            .await
            .expect("schema");
            let mut t = Vec::new();
            let mut i = Vec::new();
            for r in rows {
                let kind: String = r.get("type");
                let pair = (r.get::<String, _>("name"), r.get::<String, _>("sql"));
                if kind == "trigger" {
                    t.push(pair);
                } else {
                    i.push(pair);
                }
            }
            (t, i)
        }
        Backend::Postgres => {
            exec(&mut conn, "SET maintenance_work_mem = '512MB'").await;
            let rows = sqlx::query(
                "SELECT indexname::text AS indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'accounts'
                   AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'accounts'::regclass)
                 ORDER BY indexname",
            )
            .fetch_all(&mut conn)
            .await
            .expect("schema");
            (
                Vec::new(),
                rows.iter()
                    .map(|r| {
                        (
                            r.get::<String, _>("indexname"),
                            r.get::<String, _>("indexdef"),
                        )
                    })
                    .collect(),
            )
        }
    };

    let started = Instant::now();
    let mut tx = conn.begin().await.expect("begin");
    match backend {
        Backend::Sqlite => {
            for (name, _) in &saved_triggers {
                exec(&mut tx, &format!("DROP TRIGGER {name}")).await;
            }
        }
        Backend::Postgres => exec(&mut tx, "ALTER TABLE accounts DISABLE TRIGGER USER").await,
    }
    for (name, _) in &saved_indexes {
        exec(&mut tx, &format!("DROP INDEX {name}")).await;
    }
    let insert = accounts_insert(backend, mix, base_url, &hash);
    sqlx::query(sqlx::AssertSqlSafe(insert.clone()))
        .bind(ids.clone())
        .execute(&mut *tx)
        .await
        .unwrap_or_else(|e| panic!("seeding accounts failed: {e}\n{insert}"));
    for position in [0, 1] {
        let sql = tags_insert(backend, mix.n, position);
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(ids.clone())
            .execute(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("seeding tags failed: {e}\n{sql}"));
    }
    let rows_s = started.elapsed().as_secs_f64();

    let started = Instant::now();
    for (_, sql) in &saved_indexes {
        exec(&mut tx, sql).await;
    }
    let indexes_s = started.elapsed().as_secs_f64();

    let started = Instant::now();
    match backend {
        Backend::Sqlite => {
            for (_, sql) in &saved_triggers {
                exec(&mut tx, sql).await;
            }
            exec(
                &mut tx,
                "INSERT INTO accounts_search (accounts_search) VALUES ('rebuild')",
            )
            .await;
        }
        Backend::Postgres => exec(&mut tx, "ALTER TABLE accounts ENABLE TRIGGER USER").await,
    }
    exec(&mut tx, "DELETE FROM account_counts").await;
    exec(
        &mut tx,
        "INSERT INTO account_counts
         SELECT local, internal, deactivated, approval_pending, confirmation_pending, is_admin, is_moderator, actor_type, COUNT(*)
         FROM accounts GROUP BY local, internal, deactivated, approval_pending, confirmation_pending, is_admin, is_moderator, actor_type",
    )
    .await;
    tx.commit().await.expect("commit");
    let derived_s = started.elapsed().as_secs_f64();

    let started = Instant::now();
    match backend {
        Backend::Sqlite => {
            exec(&mut conn, "PRAGMA wal_checkpoint(TRUNCATE)").await;
            exec(&mut conn, "ANALYZE").await;
        }
        Backend::Postgres => {
            exec(&mut conn, "VACUUM ANALYZE accounts").await;
            exec(&mut conn, "VACUUM ANALYZE account_tags").await;
            exec(&mut conn, "VACUUM ANALYZE account_counts").await;
        }
    }
    let analyze_s = started.elapsed().as_secs_f64();

    let summary = population(&mut conn).await;
    let _ = conn.close().await;
    SeedReport {
        rows_s,
        indexes_s,
        derived_s,
        analyze_s,
        summary,
    }
}

/// One line describing what was seeded (from the counters, plus two small scans).
pub async fn population(conn: &mut sqlx::AnyConnection) -> String {
    let mut parts = Vec::new();
    let sum = |cond: &str| {
        format!("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM account_counts WHERE {cond}")
    };
    for (label, sql) in [
        ("total", sum("NOT internal")),
        ("local", sum("NOT internal AND local")),
        ("remote", sum("NOT internal AND NOT local")),
        ("deactivated", sum("NOT internal AND deactivated")),
        ("pending approval", sum("NOT internal AND approval_pending")),
        ("unconfirmed", sum("NOT internal AND confirmation_pending")),
        ("admins", sum("NOT internal AND is_admin")),
        ("moderators", sum("NOT internal AND is_moderator")),
        (
            "Service actors",
            sum("NOT internal AND actor_type = 'Service'"),
        ),
        (
            "remote domains",
            "SELECT COUNT(DISTINCT domain) AS n FROM accounts".to_string(),
        ),
        (
            "tagged",
            "SELECT COUNT(DISTINCT account_id) AS n FROM account_tags".to_string(),
        ),
    ] {
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut *conn)
            .await
            .expect("population");
        let n: i64 = row.get("n");
        parts.push(format!("{label} {}", thousands(n)));
    }
    parts.join(", ")
}

// ---------------------------------------------------------------------------------------------
// Load

#[derive(Default, Clone)]
pub struct Stats {
    pub latencies: Vec<Duration>,
    pub elapsed: Duration,
    pub errors: usize,
    pub first_error: Option<String>,
}

impl Stats {
    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }

    pub fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// One HTTP request of a scenario.
#[derive(Clone)]
pub struct Call {
    pub method: reqwest::Method,
    pub path: String,
    pub body: Option<Value>,
}

impl Call {
    pub fn get(path: String) -> Call {
        Call {
            method: reqwest::Method::GET,
            path,
            body: None,
        }
    }
}

pub async fn send(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    call: &Call,
) -> Result<Value, String> {
    let mut req = client
        .request(call.method.clone(), format!("{base}{}", call.path))
        .bearer_auth(token);
    if let Some(body) = &call.body {
        req = req.json(body);
    }
    let resp = req.send().await.map_err(|e| e.to_string())?;
    let status = resp.status();
    let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!(
            "{} {}: {status} {}",
            call.method,
            call.path,
            String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
        ));
    }
    Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// `concurrency` clients sending `calls` round-robin for `duration` (after a short warm-up).
pub async fn hammer(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    calls: Arc<Vec<Call>>,
    concurrency: usize,
    duration: Duration,
) -> Stats {
    let run = |duration: Duration| {
        let started = Instant::now();
        let deadline = started + duration;
        let calls = &calls;
        let workers = (0..concurrency).map(move |w| {
            let calls = calls.clone();
            async move {
                let mut stats = Stats::default();
                let mut k = w;
                while Instant::now() < deadline {
                    let call = &calls[k % calls.len()];
                    k += concurrency;
                    let t = Instant::now();
                    let result = send(client, base, token, call).await;
                    stats.latencies.push(t.elapsed());
                    if let Err(e) = result {
                        stats.errors += 1;
                        stats.first_error.get_or_insert(e);
                    }
                }
                stats
            }
        });
        async move {
            let all = futures_util::future::join_all(workers).await;
            let mut total = Stats {
                elapsed: started.elapsed(),
                ..Stats::default()
            };
            for s in all {
                total.latencies.extend(s.latencies);
                total.errors += s.errors;
                if total.first_error.is_none() {
                    total.first_error = s.first_error;
                }
            }
            total
        }
    };
    run(Duration::from_millis(400).min(duration)).await;
    run(duration).await
}

/// Runs `calls` one after another until `duration` has passed and at least `min` ran.
pub async fn sequential(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    calls: &[Call],
    min: usize,
    duration: Duration,
) -> Stats {
    let started = Instant::now();
    let mut stats = Stats::default();
    let mut k = 0;
    while k < min || started.elapsed() < duration {
        let t = Instant::now();
        let result = send(client, base, token, &calls[k % calls.len()]).await;
        stats.latencies.push(t.elapsed());
        if let Err(e) = result {
            stats.errors += 1;
            stats.first_error.get_or_insert(e);
        }
        k += 1;
    }
    stats.elapsed = started.elapsed();
    stats
}

#[derive(Clone, Copy, PartialEq)]
pub enum Target {
    /// p99 must stay under this many milliseconds.
    P99(f64),
    /// Measured and reported, no target.
    Report,
}

pub struct Row {
    pub name: String,
    pub requests: usize,
    pub throughput: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub errors: usize,
    pub matches: Option<i64>,
    pub target: Target,
    pub plan: String,
    pub note: String,
}

pub fn thousands(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (k, c) in s.chars().enumerate() {
        if k > 0 && (s.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

pub fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

// ---------------------------------------------------------------------------------------------
// One backend

pub fn scratch_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("steward_bench_{}_{nanos:x}", std::process::id())
}

/// Creates a fresh PostgreSQL database in `admin`; returns its URL.
pub async fn create_pg_database(admin: &str, name: &str) -> String {
    let mut conn = sqlx::AnyConnection::connect(admin)
        .await
        .expect("connect to BENCH_DATABASE_URL");
    exec(&mut conn, &format!("CREATE DATABASE {name}")).await;
    let _ = conn.close().await;
    let (base, _) = admin
        .split('?')
        .next()
        .unwrap_or(admin)
        .rsplit_once('/')
        .expect("BENCH_DATABASE_URL has a database path");
    format!("{base}/{name}")
}

pub async fn drop_pg_database(admin: &str, name: &str) {
    if let Ok(mut conn) = sqlx::AnyConnection::connect(admin).await {
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await;
        let _ = conn.close().await;
    }
}

pub fn utf8_path(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string()
}

pub async fn admin_token(client: &reqwest::Client, base: &str) -> String {
    let scopes = "read write follow admin";
    let app: Value = client
        .post(format!("{base}/api/v1/apps"))
        .json(&json!({"client_name": "bench", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": scopes}))
        .send()
        .await
        .expect("register app")
        .json()
        .await
        .expect("app JSON");
    let token: Value = client
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", app["client_id"].as_str().unwrap_or_default()),
            (
                "client_secret",
                app["client_secret"].as_str().unwrap_or_default(),
            ),
            ("username", "bench_admin"),
            ("password", "bench-admin-password"),
            ("scope", scopes),
        ])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token JSON");
    token["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

pub fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

pub fn command(cmd: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
// ---------------------------------------------------------------------------------------------
// One backend: a fresh database, the real server in-process, an admin client

/// The real server on a fresh database of one backend, with the runtimes the bench drives.
pub struct Server {
    pub backend: Backend,
    pub label: &'static str,
    pub server_rt: tokio::runtime::Runtime,
    pub client_rt: tokio::runtime::Runtime,
    pub state: AppState,
    pub base: String,
    pub database_url: String,
    name: String,
    dir: PathBuf,
    pg_admin: Option<String>,
}

impl Server {
    /// Creates the database (a scratch SQLite file, or a new database in `BENCH_DATABASE_URL`),
    /// migrates it through `Application::build` and serves it on 127.0.0.1.
    pub fn start(backend: Backend) -> Server {
        sqlx::any::install_default_drivers();
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let server_rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(cores)
            .thread_name("steward-server")
            .enable_all()
            .build()
            .expect("server runtime");
        let client_rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("client runtime");

        let name = scratch_name();
        let dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let pg_admin = std::env::var("BENCH_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty());
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}/steward.db?mode=rwc", dir.display()),
            Backend::Postgres => {
                let admin = pg_admin
                    .clone()
                    .expect("--backend postgres needs BENCH_DATABASE_URL (see scripts/pg.sh)");
                server_rt.block_on(create_pg_database(&admin, &name))
            }
        };
        let label = label(backend);
        eprintln!("[bench] {label}: {database_url}");

        let config = Config {
            database_url: database_url.clone(),
            addr: "127.0.0.1:0".into(),
            base_url: None,
            config_file: dir.join("config.json"),
            mailbox_dir: dir.join("mailbox"),
            media_dir: dir.join("media"),
        };
        let app = server_rt
            .block_on(Application::build(config))
            .expect("start steward");
        let base = format!("http://{}", app.addr);
        let state: AppState = app.state.clone();
        server_rt.spawn(async move {
            let _ = app.run().await;
        });
        Server {
            backend,
            label,
            server_rt,
            client_rt,
            state,
            base,
            database_url,
            name,
            dir,
            pg_admin,
        }
    }

    /// The engine's version string.
    pub fn version(&self) -> String {
        self.server_rt.block_on(async {
            let sql = match self.backend {
                Backend::Sqlite => "SELECT sqlite_version() AS v",
                Backend::Postgres => "SELECT current_setting('server_version') AS v",
            };
            sqlx::query(sql)
                .fetch_one(&self.state.db.pool)
                .await
                .map(|r| r.get::<String, _>("v"))
                .unwrap_or_default()
        })
    }

    /// Creates `bench_admin` (as in tests/common) and returns a keep-alive client with a
    /// password-grant admin token.
    pub fn admin_client(&self, concurrency: usize) -> (reqwest::Client, String) {
        let state = &self.state;
        self.server_rt.block_on(async {
            let settings = state.settings().await.expect("settings");
            accounts::create_local_user(
                &state.db,
                &state.site,
                &settings,
                &accounts::LocalUser {
                    nickname: "bench_admin".into(),
                    email: "bench_admin@example.com".into(),
                    password: "bench-admin-password".into(),
                    is_admin: true,
                    is_moderator: false,
                },
            )
            .await
            .expect("create admin")
        });
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(concurrency.max(1))
            .timeout(Duration::from_secs(300))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let token = self.client_rt.block_on(admin_token(&client, &self.base));
        (client, token)
    }

    /// Stops the server; drops the database unless `keep`.
    pub fn finish(self, keep: bool) {
        let Server {
            backend,
            label,
            server_rt,
            client_rt,
            database_url,
            name,
            dir,
            pg_admin,
            ..
        } = self;
        drop(client_rt);
        server_rt.shutdown_timeout(Duration::from_secs(2));
        if keep {
            eprintln!("[bench] {label}: kept {database_url}");
        } else {
            if backend == Backend::Postgres {
                if let Some(admin) = &pg_admin {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(drop_pg_database(admin, &name));
                }
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Plans

/// A bind value of an explained query.
#[derive(Clone, Debug)]
pub enum Arg {
    Bool(bool),
    Int(i64),
    Text(String),
}

/// The plan the engine picks for `sql` with `args` (`EXPLAIN QUERY PLAN` on SQLite, indented by
/// depth; `EXPLAIN` on PostgreSQL), one line per plan node.
pub async fn explain(
    db: &steward::server::db::Db,
    sql: &str,
    args: &[Arg],
) -> Result<Vec<String>, sqlx::Error> {
    let prefix = match db.backend {
        Backend::Sqlite => "EXPLAIN QUERY PLAN",
        Backend::Postgres => "EXPLAIN",
    };
    let mut query = sqlx::query(sqlx::AssertSqlSafe(format!("{prefix} {sql}")));
    for arg in args {
        query = match arg {
            Arg::Bool(b) => query.bind(*b),
            Arg::Int(i) => query.bind(*i),
            Arg::Text(t) => query.bind(t.clone()),
        };
    }
    let rows = query.fetch_all(&db.pool).await?;
    match db.backend {
        Backend::Postgres => rows.iter().map(|r| r.try_get::<String, _>(0)).collect(),
        Backend::Sqlite => {
            // Rows are (id, parent, notused, detail) in tree order; indent by depth.
            let mut depth: Vec<(i64, usize)> = Vec::new();
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let (id, parent): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
                let level = depth
                    .iter()
                    .find(|(node, _)| *node == parent)
                    .map_or(0, |(_, l)| l + 1);
                depth.push((id, level));
                out.push(format!(
                    "{}{}",
                    "  ".repeat(level),
                    row.try_get::<String, _>(3)?
                ));
            }
            Ok(out)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Report

/// The machine, build and run description heading a report; `population` names what was seeded
/// ("1,000,000 accounts").
pub fn machine(population: &str, concurrency: usize, seconds: f64) -> String {
    let cpuinfo = read("/proc/cpuinfo");
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("unknown CPU".into(), |s| s.trim().to_string());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_kb: u64 = read("/proc/meminfo")
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let os = read("/etc/os-release")
        .lines()
        .find(|l| l.starts_with("PRETTY_NAME="))
        .map_or("Linux".into(), |l| {
            l.trim_start_matches("PRETTY_NAME=")
                .trim_matches('"')
                .to_string()
        });
    let kernel = read("/proc/sys/kernel/osrelease").trim().to_string();
    let load = load_average();
    let rustc = command("rustc", &["-V"]).unwrap_or_else(|| "rustc (unknown)".into());
    let commit = command("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "?".into());
    let dirty = command("git", &["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|s| !s.is_empty());
    format!(
        "- Machine: {cores} cores ({model}), {:.1} GiB memory, {os}, kernel {kernel}; load average at start {load}\n\
         - Build: steward {} at {commit}{}, {rustc}, `cargo bench` (release profile)\n\
         - Run: {population} per backend, {concurrency} concurrent keep-alive clients on 127.0.0.1, {seconds} s per scenario after a \
         0.4 s warm-up; client and server share the machine (in-process: server on a {cores}-thread Tokio runtime, \
         clients on one thread)\n",
        mem_kb as f64 / 1024.0 / 1024.0,
        env!("CARGO_PKG_VERSION"),
        if dirty { " (+ local changes)" } else { "" },
    )
}

/// The 1/5/15-minute load averages.
pub fn load_average() -> String {
    read("/proc/loadavg")
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The scenario table (`| scenario | requests | req/s | p50 ms | p99 ms | target | count | plan |`).
pub fn rows_table(md: &mut String, rows: &[Row]) {
    md.push_str("| scenario | requests | req/s | p50 ms | p99 ms | target | count | plan |\n");
    md.push_str("|---|---:|---:|---:|---:|---|---:|---|\n");
    for r in rows {
        let target = match r.target {
            Target::P99(limit) => {
                let ok = r.p99.as_secs_f64() * 1000.0 < limit && r.errors == 0;
                format!("< {limit:.0} ms {}", if ok { "met" } else { "**MISSED**" })
            }
            Target::Report => "—".into(),
        };
        let count = match r.matches {
            Some(n) => thousands(n),
            None => r.note.clone(),
        };
        let errors = if r.errors > 0 {
            format!(" ({} errors)", r.errors)
        } else {
            String::new()
        };
        writeln!(
            md,
            "| {} | {}{errors} | {:.0} | {} | {} | {target} | {count} | {} |",
            r.name.replace('|', "\\|"),
            r.requests,
            r.throughput,
            ms(r.p50),
            ms(r.p99),
            r.plan
        )
        .expect("write");
    }
    md.push('\n');
}

/// `previous` with the text between the markers `begin` and `end` replaced by `report`, so the
/// hand-written analysis around the numbers (and other generated blocks) survive a new run. A file
/// without these markers gets the block appended (an empty file: the block alone).
pub fn splice(previous: &str, report: &str, begin: &str, end: &str) -> String {
    let generated = format!("{begin}\n{report}{end}\n");
    match (previous.find(begin), previous.find(end)) {
        (Some(b), Some(e)) if b < e => {
            format!(
                "{}{generated}{}",
                &previous[..b],
                previous[e + end.len()..].trim_start_matches('\n')
            )
        }
        _ if previous.trim().is_empty() => generated,
        _ => format!("{}\n\n{generated}", previous.trim_end()),
    }
}
