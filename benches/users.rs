//! GET /api/pleroma/admin/users and its neighbours at a million accounts (README "Benchmarks").
//!
//! ```sh
//! cargo bench --features ssr --bench users -- [--users N] [--backend sqlite|postgres|both]
//!     [--seconds S] [--concurrency C] [--out FILE] [--only WORD] [--keep]
//! ```
//!
//! For each backend: a fresh database migrated by the real `Application::build`, N accounts seeded in
//! SQL (per-row triggers and secondary indexes off during the load, derived data rebuilt afterwards),
//! the real HTTP server in-process on 127.0.0.1, and C keep-alive clients hammering each scenario for
//! S seconds. The Markdown report (p50/p99, throughput, the count each list returns, and whether the
//! page or count query plan scans the accounts table) goes to stdout and to `--out`.
//! PostgreSQL comes from `BENCH_DATABASE_URL` (an admin URL; a fresh database is created in it).
#![allow(clippy::expect_used)] // setup failures end the benchmark loudly

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::{Connection, Row as _};
use steward::server::api::params::{parse_form, Params};
use steward::server::db::account_list::{self, Plans};
use steward::server::db::Backend;
use steward::server::service::{accounts, users};
use steward::server::state::AppState;
use steward::server::{Application, Config};

const P: &str = "/api/pleroma/admin";

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
    users: u64,
    backends: Vec<Backend>,
    seconds: f64,
    concurrency: usize,
    out: PathBuf,
    only: Option<String>,
    keep: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: cargo bench --features ssr --bench users -- [--users N] [--backend sqlite|postgres|both] \
         [--seconds S] [--concurrency C] [--out FILE] [--only WORD] [--keep]\n\
         PostgreSQL needs BENCH_DATABASE_URL (admin URL, e.g. from `scripts/pg.sh start`)."
    );
    std::process::exit(2)
}

fn options() -> Options {
    let mut o = Options {
        users: 1_000_000,
        backends: vec![Backend::Sqlite, Backend::Postgres],
        seconds: 3.0,
        concurrency: 8,
        out: PathBuf::from("BENCHMARKS.md"),
        only: None,
        keep: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            // `cargo bench` passes `--bench` to every harness-less target.
            "--bench" => {}
            "--users" | "-n" => {
                o.users = value().replace('_', "").parse().unwrap_or_else(|_| usage())
            }
            "--backend" => {
                o.backends = match value().as_str() {
                    "sqlite" => vec![Backend::Sqlite],
                    "postgres" | "postgresql" | "pg" => vec![Backend::Postgres],
                    "both" => vec![Backend::Sqlite, Backend::Postgres],
                    _ => usage(),
                }
            }
            "--seconds" => o.seconds = value().parse().unwrap_or_else(|_| usage()),
            "--concurrency" | "-c" => o.concurrency = value().parse().unwrap_or_else(|_| usage()),
            "--out" => o.out = PathBuf::from(value()),
            "--only" => o.only = Some(value()),
            "--keep" => o.keep = true,
            "--help" | "-h" => usage(),
            _ => usage(),
        }
    }
    if o.users < 1_000 || o.concurrency == 0 || o.seconds <= 0.0 {
        usage()
    }
    o
}

// ---------------------------------------------------------------------------------------------
// Seed data: word lists the SQL picks from (fixed-width, so `substr` can index them).

const FIRST: &[&str] = &[
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

const LAST: &[&str] = &[
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
const DOMAIN_WORDS: &[&str] = &[
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
const TLDS: &[&str] = &["social", "online", "xyz", "org", "net"];
const MAIL_DOMAINS: &[&str] = &[
    "example.com",
    "mail.example.org",
    "example.net",
    "post.example",
    "inbox.example.com",
    "example.edu",
];
const TAGS: &[&str] = &[
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
fn packed(words: &[&str], width: usize) -> String {
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
fn pick(list: &[&str], width: usize, k: &str) -> String {
    format!(
        "rtrim(substr('{}', CAST(({k}) * {width} + 1 AS INTEGER), {width}))",
        packed(list, width)
    )
}

fn capitalized(word: &str) -> String {
    format!("upper(substr({word}, 1, 1)) || substr({word}, 2)")
}

/// A SQL `CASE` picking from a short list of strings by an integer expression.
fn case_of(list: &[&str], k: &str) -> String {
    let mut sql = format!("CASE ({k})");
    for (n, item) in list.iter().enumerate() {
        write!(sql, " WHEN {n} THEN '{}'", item.replace('\'', "''")).expect("write");
    }
    sql.push_str(" END");
    sql
}

/// The rows `i = 1..=n` with six independent 24-bit hashes of `i` (h1…h6).
fn hashed_series(backend: Backend, n: u64) -> String {
    let series = match backend {
        Backend::Sqlite => format!(
            "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s) AS s"
        ),
        Backend::Postgres => format!("generate_series(1::bigint, {n}::bigint) AS s(i)"),
    };
    let h = |a: u64, b: u64| format!("((i * {a} + {b}) % 4294967296) / 256");
    format!(
        "(SELECT i, {} AS h1, {} AS h2, {} AS h3, {} AS h4, {} AS h5, {} AS h6 FROM {series}) AS g",
        h(2_654_435_761, 1_013_904_223),
        h(2_246_822_519, 3_266_489_917),
        h(3_266_489_917, 668_265_263),
        h(668_265_263, 374_761_393),
        h(374_761_393, 2_654_435_761),
        h(1_103_515_245, 12_345),
    )
}

/// The id of row `i`, cut from the bound blob of 22-byte ids (`$1`).
fn id_of_row(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "CAST(substr($1, CAST((i - 1) * 22 + 1 AS INTEGER), 22) AS TEXT)",
        Backend::Postgres => {
            "convert_from(substring($1::bytea FROM CAST((i - 1) * 22 + 1 AS INTEGER) FOR 22), 'UTF8')"
        }
    }
}

/// Shape of the seeded population (see README "Benchmarks").
struct Mix {
    n: u64,
    admin_every: u64,
    moderator_every: u64,
}

impl Mix {
    fn new(n: u64) -> Mix {
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
fn accounts_insert(backend: Backend, mix: &Mix, base_url: &str, password_hash: &str) -> String {
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
fn tags_insert(backend: Backend, n: u64, position: u32) -> String {
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
fn id_blob(mix: &Mix, t0: i64, step: i64) -> Vec<u8> {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(22 * mix.n as usize);
    for i in 0..mix.n {
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
type NamedSql = (String, String);

struct SeedReport {
    rows_s: f64,
    indexes_s: f64,
    derived_s: f64,
    analyze_s: f64,
    summary: String,
}

async fn exec(conn: &mut sqlx::AnyConnection, sql: &str) {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("seed SQL failed: {e}\n{sql}"));
}

/// Seeds `mix.n` accounts through the migrated schema of `url`.
async fn seed(url: &str, backend: Backend, mix: &Mix, base_url: &str) -> SeedReport {
    let hash = steward::server::auth::secrets::hash_password("bench-password").expect("hash");
    let mut conn = sqlx::AnyConnection::connect(url)
        .await
        .expect("seed connection");
    let now = chrono::Utc::now().timestamp_millis();
    let span: i64 = 5 * 365 * 86_400_000;
    let t0 = now - span - 86_400_000;
    let step = span / i64::try_from(mix.n).expect("n");
    let ids = id_blob(mix, t0, step);

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
async fn population(conn: &mut sqlx::AnyConnection) -> String {
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
struct Stats {
    latencies: Vec<Duration>,
    elapsed: Duration,
    errors: usize,
    first_error: Option<String>,
}

impl Stats {
    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }

    fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// One HTTP request of a scenario.
#[derive(Clone)]
struct Call {
    method: reqwest::Method,
    path: String,
    body: Option<Value>,
}

impl Call {
    fn get(path: String) -> Call {
        Call {
            method: reqwest::Method::GET,
            path,
            body: None,
        }
    }
}

async fn send(
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
async fn hammer(
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
async fn sequential(
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

// ---------------------------------------------------------------------------------------------
// Scenarios

#[derive(Clone, Copy, PartialEq)]
enum Target {
    /// p99 must stay under this many milliseconds.
    P99(f64),
    /// Measured and reported, no target.
    Report,
}

struct ListScenario {
    name: String,
    query: String,
    target: Target,
}

struct Row {
    name: String,
    requests: usize,
    throughput: f64,
    p50: Duration,
    p99: Duration,
    errors: usize,
    matches: Option<i64>,
    target: Target,
    plan: String,
    note: String,
}

struct Section {
    backend: Backend,
    version: String,
    seed: SeedReport,
    seed_total_s: f64,
    rows: Vec<Row>,
    plans: Vec<(String, String, Plans)>,
    errors: Vec<String>,
}

/// Sample values the scenarios use, read from the seeded data.
struct Samples {
    show: Vec<String>,
    deactivate: Vec<String>,
    email: String,
    domain: String,
}

async fn samples(db: &steward::server::db::Db, n: u64) -> Samples {
    let texts = |sql: String| {
        let pool = db.pool.clone();
        async move {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(&pool)
                .await
                .expect("samples")
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect::<Vec<String>>()
        }
    };
    // Accounts spread over the id range: remote and local, by nickname.
    let mut show = Vec::new();
    for k in 0..10u64 {
        show.extend(
            texts(format!(
                "SELECT nickname FROM accounts WHERE NOT internal ORDER BY id LIMIT 50 OFFSET {}",
                n / 10 * k
            ))
            .await,
        );
    }
    let deactivate = texts(format!(
        "SELECT nickname FROM accounts WHERE local AND NOT deactivated AND NOT internal ORDER BY id LIMIT 1000 OFFSET {}",
        n / 2
    ))
    .await;
    let email = texts(format!(
        "SELECT email FROM accounts WHERE email IS NOT NULL ORDER BY id LIMIT 1 OFFSET {}",
        n / 3
    ))
    .await
    .pop()
    .expect("an email")
    .to_uppercase();
    let domain = texts(
        "SELECT domain FROM accounts WHERE domain IS NOT NULL GROUP BY domain ORDER BY COUNT(*) DESC, domain LIMIT 1"
            .into(),
    )
    .await
    .pop()
    .expect("a domain");
    Samples {
        show,
        deactivate,
        email,
        domain,
    }
}

fn list_scenarios(s: &Samples) -> Vec<ListScenario> {
    let fast = Target::P99(20.0);
    let q = |pairs: &[(&str, &str)]| {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            ser.append_pair(k, v);
        }
        ser.finish()
    };
    let mut list = vec![
        ("first page", q(&[("page", "1"), ("page_size", "50")]), fast),
        ("query=kath (prefix-like)", q(&[("query", "kath")]), fast),
        ("query=ndr (substring)", q(&[("query", "ndr")]), fast),
        ("query=son (common substring)", q(&[("query", "son")]), fast),
        (
            "query=<largest domain>",
            q(&[("query", s.domain.as_str())]),
            fast,
        ),
        (
            "query=al (2 characters)",
            q(&[("query", "al")]),
            Target::Report,
        ),
        (
            "query=k (1 character)",
            q(&[("query", "k")]),
            Target::Report,
        ),
    ];
    for f in [
        "local",
        "external",
        "active",
        "deactivated",
        "need_approval",
        "unconfirmed",
        "is_admin",
        "is_moderator",
    ] {
        list.push(("", q(&[("filters", f)]), fast));
    }
    list.extend([
        ("", q(&[("tags[]", "mrf_tag:sandbox")]), fast),
        ("", q(&[("actor_types[]", "Service")]), fast),
        ("name=olivia", q(&[("name", "olivia")]), fast),
        (
            "email=<one address>",
            q(&[("email", s.email.as_str())]),
            fast,
        ),
        (
            "",
            q(&[("filters", "local,active"), ("tags[]", "mrf_tag:sandbox")]),
            fast,
        ),
        (
            "page 1,000 (page_size 50)",
            q(&[("page", "1000"), ("page_size", "50")]),
            Target::P99(50.0),
        ),
    ]);
    list.into_iter()
        .map(|(name, query, target)| ListScenario {
            name: if name.is_empty() {
                percent_encoding::percent_decode_str(&query)
                    .decode_utf8_lossy()
                    .into_owned()
            } else {
                name.to_string()
            },
            query,
            target,
        })
        .collect()
}

/// Whether a plan reads the whole accounts table (or, for counts, the whole order index).
fn plan_verdict(backend: Backend, plans: &Plans) -> (String, bool) {
    let mut findings = Vec::new();
    let mut full = false;
    for (which, lines) in [("page", &plans.page), ("count", &plans.count)] {
        for (k, line) in lines.iter().enumerate() {
            let t = line.trim_start_matches([' ', '-', '>']).trim();
            let table_scan = match backend {
                Backend::Sqlite => {
                    t == "SCAN accounts" || t.starts_with("SCAN accounts ") && !t.contains("USING")
                }
                Backend::Postgres => t.starts_with("Seq Scan on accounts"),
            };
            if table_scan {
                full = true;
                findings.push(format!("**table scan ({which})**"));
                continue;
            }
            // A count that walks every entry of the big order index is O(N) too.
            let index_walk = which == "count"
                && match backend {
                    Backend::Sqlite => {
                        t.starts_with("SCAN accounts USING") && t.ends_with("INDEX accounts_order")
                    }
                    Backend::Postgres => {
                        (t.starts_with("Index Only Scan using accounts_order on accounts")
                            || t.starts_with("Index Scan using accounts_order on accounts"))
                            && !lines[k + 1..]
                                .iter()
                                .take_while(|l| !l.contains("->"))
                                .any(|l| l.contains("Index Cond"))
                    }
                };
            if index_walk {
                full = true;
                findings.push(format!("**full index walk ({which})**"));
            }
        }
    }
    findings.dedup();
    if findings.is_empty() {
        ("indexed".into(), false)
    } else {
        (findings.join(", "), full)
    }
}

fn thousands(n: i64) -> String {
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

fn ms(d: Duration) -> String {
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

fn scratch_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("steward_bench_{}_{nanos:x}", std::process::id())
}

/// Creates a fresh PostgreSQL database in `admin`; returns its URL.
async fn create_pg_database(admin: &str, name: &str) -> String {
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

async fn drop_pg_database(admin: &str, name: &str) {
    if let Ok(mut conn) = sqlx::AnyConnection::connect(admin).await {
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await;
        let _ = conn.close().await;
    }
}

fn run_backend(backend: Backend, o: &Options) -> Section {
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
    let label = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
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

    // Seed.
    let mix = Mix::new(o.users);
    eprintln!(
        "[bench] {label}: seeding {} accounts…",
        thousands(o.users as i64)
    );
    let started = Instant::now();
    let seed_report = server_rt.block_on(seed(&database_url, backend, &mix, &state.site.base_url));
    let seed_total_s = started.elapsed().as_secs_f64();
    eprintln!(
        "[bench] {label}: seeded in {seed_total_s:.1} s ({})",
        seed_report.summary
    );
    let version = server_rt.block_on(async {
        let sql = match backend {
            Backend::Sqlite => "SELECT sqlite_version() AS v",
            Backend::Postgres => "SELECT current_setting('server_version') AS v",
        };
        sqlx::query(sql)
            .fetch_one(&state.db.pool)
            .await
            .map(|r| r.get::<String, _>("v"))
            .unwrap_or_default()
    });

    // An admin with a password-grant token, as in tests/common.
    server_rt.block_on(async {
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
        .pool_max_idle_per_host(o.concurrency.max(1))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let token = client_rt.block_on(admin_token(&client, &base));
    let s = server_rt.block_on(samples(&state.db, o.users));

    let duration = Duration::from_secs_f64(o.seconds);
    let mut rows = Vec::new();
    let mut plans = Vec::new();
    let mut errors = Vec::new();
    let wanted = |name: &str| o.only.as_ref().is_none_or(|w| name.contains(w.as_str()));

    for sc in list_scenarios(&s) {
        if !wanted(&sc.name) {
            continue;
        }
        let params = Params::from_value(Value::Object(parse_form(sc.query.as_bytes())));
        let filter = users::filter_from_params(&params).expect("filter");
        let page: i64 = params
            .string("page")
            .ok()
            .flatten()
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let size: i64 = params
            .string("page_size")
            .ok()
            .flatten()
            .and_then(|p| p.parse().ok())
            .unwrap_or(50);
        let plan = server_rt
            .block_on(account_list::explain(
                &state.db,
                &filter,
                size,
                (page - 1) * size,
            ))
            .unwrap_or_else(|e| Plans {
                page: vec![format!("EXPLAIN failed: {e}")],
                count: Vec::new(),
            });
        let (verdict, _) = plan_verdict(backend, &plan);
        let call = Call::get(format!("{P}/users?{}", sc.query));
        let probe = client_rt.block_on(send(&client, &base, &token, &call));
        let matches = probe.as_ref().ok().and_then(|v| v["count"].as_i64());
        let returned = probe
            .as_ref()
            .ok()
            .and_then(|v| v["users"].as_array().map(Vec::len))
            .unwrap_or(0);
        eprintln!("[bench] {label}: {} …", sc.name);
        let stats = client_rt.block_on(hammer(
            &client,
            &base,
            &token,
            Arc::new(vec![call]),
            o.concurrency,
            duration,
        ));
        if let Some(e) = stats.first_error.clone().or(probe.err()) {
            errors.push(format!("{}: {e}", sc.name));
        }
        rows.push(Row {
            name: sc.name.clone(),
            requests: stats.latencies.len(),
            throughput: stats.throughput(),
            p50: stats.percentile(0.5),
            p99: stats.percentile(0.99),
            errors: stats.errors,
            matches,
            target: sc.target,
            plan: verdict,
            note: format!("{returned} returned"),
        });
        plans.push((sc.name, sc.query, plan));
    }

    if wanted("show user") {
        eprintln!("[bench] {label}: show user …");
        let calls: Vec<Call> = s
            .show
            .iter()
            .map(|nick| Call::get(format!("{P}/users/{}", utf8_path(nick))))
            .collect();
        let stats = client_rt.block_on(hammer(
            &client,
            &base,
            &token,
            Arc::new(calls),
            o.concurrency,
            duration,
        ));
        if let Some(e) = stats.first_error.clone() {
            errors.push(format!("show user: {e}"));
        }
        rows.push(Row {
            name: format!(
                "show user (GET /users/:nickname, {} accounts)",
                s.show.len()
            ),
            requests: stats.latencies.len(),
            throughput: stats.throughput(),
            p50: stats.percentile(0.5),
            p99: stats.percentile(0.99),
            errors: stats.errors,
            matches: None,
            target: Target::P99(20.0),
            plan: "by id, then nickname_lower".into(),
            note: String::new(),
        });
    }

    if wanted("deactivate") {
        eprintln!("[bench] {label}: bulk deactivate/activate …");
        let body = json!({"nicknames": s.deactivate});
        let patch = |path: &str| Call {
            method: reqwest::Method::PATCH,
            path: format!("{P}/users/{path}"),
            body: Some(body.clone()),
        };
        for (verb, other) in [("deactivate", "activate")] {
            let mut de = Stats::default();
            let mut re = Stats::default();
            let started = Instant::now();
            let mut pairs = 0;
            while pairs < 3 || started.elapsed() < duration {
                let a = client_rt.block_on(sequential(
                    &client,
                    &base,
                    &token,
                    &[patch(verb)],
                    1,
                    Duration::ZERO,
                ));
                let b = client_rt.block_on(sequential(
                    &client,
                    &base,
                    &token,
                    &[patch(other)],
                    1,
                    Duration::ZERO,
                ));
                for (into, from) in [(&mut de, a), (&mut re, b)] {
                    into.latencies.extend(from.latencies);
                    into.elapsed += from.elapsed;
                    into.errors += from.errors;
                    if into.first_error.is_none() {
                        into.first_error = from.first_error;
                    }
                }
                pairs += 1;
            }
            for (what, stats) in [(verb, de), (other, re)] {
                if let Some(e) = stats.first_error.clone() {
                    errors.push(format!("{what}: {e}"));
                }
                rows.push(Row {
                    name: format!("PATCH /users/{what} ({} accounts)", s.deactivate.len()),
                    requests: stats.latencies.len(),
                    throughput: stats.throughput(),
                    p50: stats.percentile(0.5),
                    p99: stats.percentile(0.99),
                    errors: stats.errors,
                    matches: None,
                    target: Target::Report,
                    plan: "one client".into(),
                    note: format!(
                        "{:.0} accounts/s",
                        stats.throughput() * s.deactivate.len() as f64
                    ),
                });
            }
        }
    }

    if wanted("create") {
        eprintln!("[bench] {label}: bulk create …");
        let calls: Vec<Call> = (0..1000)
            .map(|batch| Call {
                method: reqwest::Method::POST,
                path: format!("{P}/users"),
                body: Some(json!({"users": (0..100).map(|k| json!({
                    "nickname": format!("bulk{batch}x{k}"),
                    "email": format!("bulk{batch}x{k}@example.net"),
                    "password": "bulk-password",
                })).collect::<Vec<_>>()})),
            })
            .collect();
        let stats = client_rt.block_on(sequential(&client, &base, &token, &calls, 3, duration));
        if let Some(e) = stats.first_error.clone() {
            errors.push(format!("bulk create: {e}"));
        }
        rows.push(Row {
            name: "POST /users (100 accounts)".into(),
            requests: stats.latencies.len(),
            throughput: stats.throughput(),
            p50: stats.percentile(0.5),
            p99: stats.percentile(0.99),
            errors: stats.errors,
            matches: None,
            target: Target::Report,
            plan: "one client".into(),
            note: format!(
                "{:.0} accounts/s (Argon2 per password)",
                stats.throughput() * 100.0
            ),
        });
    }

    drop(client);
    drop(client_rt);
    server_rt.shutdown_timeout(Duration::from_secs(2));
    if o.keep {
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
    Section {
        backend,
        version,
        seed: seed_report,
        seed_total_s,
        rows,
        plans,
        errors,
    }
}

fn utf8_path(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string()
}

async fn admin_token(client: &reqwest::Client, base: &str) -> String {
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

// ---------------------------------------------------------------------------------------------
// Report

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn command(cmd: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn machine(o: &Options) -> String {
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
    let load = read("/proc/loadavg")
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let rustc = command("rustc", &["-V"]).unwrap_or_else(|| "rustc (unknown)".into());
    let commit = command("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "?".into());
    let dirty = command("git", &["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|s| !s.is_empty());
    format!(
        "- Machine: {cores} cores ({model}), {:.1} GiB memory, {os}, kernel {kernel}; load average at start {load}\n\
         - Build: steward {} at {commit}{}, {rustc}, `cargo bench` (release profile)\n\
         - Run: {} accounts per backend, {} concurrent keep-alive clients on 127.0.0.1, {} s per scenario after a \
         0.4 s warm-up; client and server share the machine (in-process: server on a {cores}-thread Tokio runtime, \
         clients on one thread)\n",
        mem_kb as f64 / 1024.0 / 1024.0,
        env!("CARGO_PKG_VERSION"),
        if dirty { " (+ local changes)" } else { "" },
        thousands(o.users as i64),
        o.concurrency,
        o.seconds,
    )
}

fn render(o: &Options, machine: &str, sections: &[Section]) -> String {
    let mut md = String::new();
    md.push_str("# Benchmarks: `GET /users` and friends\n\n");
    md.push_str("Generated by `cargo bench --features ssr --bench users` (see README \"Benchmarks\"; `scripts/bench.sh` runs both backends).\n\n");
    md.push_str(machine);
    md.push('\n');
    for s in sections {
        let label = match s.backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        };
        writeln!(md, "## {label} {}\n", s.version).expect("write");
        writeln!(
            md,
            "Seeded {} accounts in {:.1} s (rows {:.1} s, indexes {:.1} s, counters and search index {:.1} s, {} {:.1} s): {}.\n",
            thousands(o.users as i64),
            s.seed_total_s,
            s.seed.rows_s,
            s.seed.indexes_s,
            s.seed.derived_s,
            match s.backend {
                Backend::Sqlite => "ANALYZE",
                Backend::Postgres => "VACUUM ANALYZE",
            },
            s.seed.analyze_s,
            s.seed.summary
        )
        .expect("write");
        md.push_str("| scenario | requests | req/s | p50 ms | p99 ms | target | count | plan |\n");
        md.push_str("|---|---:|---:|---:|---:|---|---:|---|\n");
        for r in &s.rows {
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
        if !s.errors.is_empty() {
            md.push_str("Errors:\n\n");
            for e in &s.errors {
                writeln!(md, "- {}", e.replace('\n', " ")).expect("write");
            }
            md.push('\n');
        }
        writeln!(
            md,
            "<details><summary>{label} query plans (page query, then count query)</summary>\n"
        )
        .expect("write");
        for (name, query, plans) in &s.plans {
            writeln!(
                md,
                "**{}** (`{query}`)\n\n```text",
                name.replace('|', "\\|")
            )
            .expect("write");
            for line in &plans.page {
                writeln!(md, "{line}").expect("write");
            }
            md.push_str("-- count:\n");
            for line in &plans.count {
                writeln!(md, "{line}").expect("write");
            }
            md.push_str("```\n\n");
        }
        md.push_str("</details>\n\n");
    }
    md
}

const BEGIN: &str = "<!-- generated by the benchmark: begin -->";
const END: &str = "<!-- generated by the benchmark: end -->";

/// `previous` with the text between its markers replaced by `report`, so the hand-written analysis
/// around the numbers survives a new run; a file without markers is replaced whole.
fn splice(previous: &str, report: &str) -> String {
    let generated = format!("{BEGIN}\n{report}{END}\n");
    match (previous.find(BEGIN), previous.find(END)) {
        (Some(b), Some(e)) if b < e => {
            format!(
                "{}{generated}{}",
                &previous[..b],
                previous[e + END.len()..].trim_start_matches('\n')
            )
        }
        _ => generated,
    }
}

fn main() {
    let o = options();
    if o.backends.contains(&Backend::Postgres)
        && std::env::var("BENCH_DATABASE_URL").map_or(true, |u| u.is_empty())
    {
        eprintln!("BENCH_DATABASE_URL is not set: `eval \"$(scripts/pg.sh start)\"; export BENCH_DATABASE_URL=$TEST_DATABASE_URL`, or --backend sqlite");
        std::process::exit(2);
    }
    let machine = machine(&o);
    let sections: Vec<Section> = o.backends.iter().map(|b| run_backend(*b, &o)).collect();
    let report = render(&o, &machine, &sections);
    println!("{report}");
    let previous = std::fs::read_to_string(&o.out).unwrap_or_default();
    std::fs::write(&o.out, splice(&previous, &report)).expect("write report");
    eprintln!("[bench] report written to {}", o.out.display());
}
