//! Storage: one sqlx `Any` pool over SQLite (default) or PostgreSQL, chosen by the URL scheme.
//!
//! Queries are written once with `$n` placeholders, which both engines accept. Booleans are stored as
//! BOOLEAN (PostgreSQL) or 0/1 (SQLite) and read through [`RowExt::flag`]; times are Unix milliseconds
//! in BIGINT columns; text that is ordered uses byte order (`COLLATE "C"` on PostgreSQL, SQLite's
//! default), so results never depend on a database's locale.

pub mod account_list;
pub mod account_tokens;
pub mod accounts;
pub mod config;
pub mod idempotency;
pub mod ids;
pub mod invites;
pub mod media_proxy;
pub mod reports;
pub mod statuses;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow, AnyTypeInfoKind};
use sqlx::{AnyPool, Executor, Row, ValueRef};

use crate::error::AppError;

pub use ids::new_id;

/// Which engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database handle shared by every request.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

/// A transaction on the [`Db`].
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// The default database: a SQLite file under `./data/`.
pub const DEFAULT_URL: &str = "sqlite://data/steward.db?mode=rwc";

impl Db {
    /// Connects (creating the SQLite file and its folder when needed). Does not migrate.
    pub async fn connect(url: &str) -> Result<Db, AppError> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| AppError::Unavailable(format!("Invalid DATABASE_URL: {e}")))?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    match backend {
                        // WAL lets the CLI write while a server reads; the busy timeout makes
                        // concurrent writers wait instead of failing.
                        Backend::Sqlite => {
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA busy_timeout = 10000").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            // Reads through a memory map skip a read() per page, and a larger
                            // page cache keeps the hot index pages of a million-row table:
                            // together they halve random lookups at 1M accounts (BENCHMARKS.md).
                            conn.execute("PRAGMA mmap_size = 1073741824").await?;
                            conn.execute("PRAGMA cache_size = -16384").await?;
                        }
                        // Generic plans scan whole indexes for short LIKE patterns
                        // (performance-notes.md); parallel workers cost throughput on small machines.
                        Backend::Postgres => {
                            conn.execute("SET plan_cache_mode = force_custom_plan")
                                .await?;
                            conn.execute("SET max_parallel_workers_per_gather = 0")
                                .await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| AppError::Unavailable(format!("Could not open the database: {e}")))?;
        Ok(Db { pool, backend })
    }

    /// Applies the migrations of this backend that are not applied yet.
    pub async fn migrate(&self) -> Result<(), AppError> {
        let result = match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await,
            Backend::Postgres => sqlx::migrate!("migrations/postgres").run(&self.pool).await,
        };
        result.map_err(|e| AppError::Unavailable(format!("Could not migrate the database: {e}")))
    }

    /// Starts a transaction.
    pub async fn begin(&self) -> Result<Tx, AppError> {
        Ok(self.pool.begin().await?)
    }

    /// Case-insensitive `LIKE` operator of this backend (patterns are always lowercased by us).
    pub fn like(&self) -> &'static str {
        "LIKE"
    }
}

/// Picks the backend from the URL scheme.
pub fn backend_of(url: &str) -> Result<Backend, AppError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(AppError::Unavailable(
            "DATABASE_URL must start with sqlite:, postgres:// or postgresql://".into(),
        ))
    }
}

/// Creates the folder of a SQLite file and makes sure the file may be created.
fn prepare_sqlite_url(url: &str) -> Result<String, AppError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    if path.is_empty() || path == ":memory:" || path.starts_with("file:") {
        return Ok(url.to_string());
    }
    if let Some(parent) = Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).map_err(|e| {
                AppError::Unavailable(format!("Could not create {}: {e}", parent.display()))
            })?;
        }
    }
    let query = match query {
        Some(q) if q.contains("mode=") => q.to_string(),
        Some(q) if !q.is_empty() => format!("{q}&mode=rwc"),
        _ => "mode=rwc".to_string(),
    };
    Ok(format!("sqlite://{path}?{query}"))
}

/// Reading columns the same way on both engines.
pub trait RowExt {
    /// A boolean column (BOOLEAN on PostgreSQL, 0/1 on SQLite).
    fn flag(&self, column: &str) -> Result<bool, sqlx::Error>;
    /// A text column.
    fn text(&self, column: &str) -> Result<String, sqlx::Error>;
    /// A nullable text column.
    fn opt_text(&self, column: &str) -> Result<Option<String>, sqlx::Error>;
    /// An integer column.
    fn int(&self, column: &str) -> Result<i64, sqlx::Error>;
    /// A nullable integer column.
    fn opt_int(&self, column: &str) -> Result<Option<i64>, sqlx::Error>;
}

// Each reader looks at the value's kind first instead of trying one decode and falling back to
// another: a failed `try_get` formats an error message, and on SQLite every boolean column (stored
// 0/1) took that path — a dozen allocations per account row, measurable on list pages.
impl RowExt for AnyRow {
    fn flag(&self, column: &str) -> Result<bool, sqlx::Error> {
        match self.try_get_raw(column)?.type_info().kind() {
            AnyTypeInfoKind::Bool => self.try_get::<bool, _>(column),
            _ => Ok(self.int(column)? != 0),
        }
    }

    fn text(&self, column: &str) -> Result<String, sqlx::Error> {
        self.try_get::<String, _>(column)
    }

    fn opt_text(&self, column: &str) -> Result<Option<String>, sqlx::Error> {
        self.try_get::<Option<String>, _>(column)
    }

    fn int(&self, column: &str) -> Result<i64, sqlx::Error> {
        match self.try_get_raw(column)?.type_info().kind() {
            AnyTypeInfoKind::SmallInt => self.try_get::<i16, _>(column).map(i64::from),
            AnyTypeInfoKind::Integer => self.try_get::<i32, _>(column).map(i64::from),
            _ => self.try_get::<i64, _>(column),
        }
    }

    fn opt_int(&self, column: &str) -> Result<Option<i64>, sqlx::Error> {
        if self.try_get_raw(column)?.is_null() {
            return Ok(None);
        }
        self.int(column).map(Some)
    }
}

/// Current time in Unix milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Escapes `%`, `_` and `\` so user input matches literally in `LIKE ... ESCAPE '\'`.
pub fn like_escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether an error is a unique-constraint violation (mapped to precise 4xx by callers).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db.code().as_deref() == Some("23505")
                || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_backend_from_scheme() {
        assert_eq!(backend_of("sqlite://x.db").ok(), Some(Backend::Sqlite));
        assert_eq!(
            backend_of("postgres://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(
            backend_of("postgresql://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(backend_of("mysql://h/db").is_err());
    }

    #[test]
    fn sqlite_url_gets_create_mode() {
        let dir = std::env::temp_dir().join(format!("steward-url-{}", std::process::id()));
        let path = dir.join("a.db");
        let url = prepare_sqlite_url(&format!("sqlite://{}", path.display())).unwrap_or_default();
        assert!(url.ends_with("?mode=rwc"), "{url}");
        assert!(dir.exists());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn like_escape_makes_wildcards_literal() {
        assert_eq!(like_escape("a%b_c\\"), "a\\%b\\_c\\\\");
    }
}
