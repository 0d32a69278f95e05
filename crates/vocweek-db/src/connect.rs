use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use vocweek_domain::Clock;
use vocweek_migrations::Migrator;

use crate::DbResult;

/// Which database the handle talks to; a few queries (the job claim) differ between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbBackendKind {
    Sqlite,
    Postgres,
}

/// A pooled connection to the service's database.
#[derive(Debug, Clone)]
pub struct Db {
    conn: DatabaseConnection,
    /// "Now" for submissions and reporting deadlines; tests pin it.
    clock: Clock,
}

impl Db {
    /// Connects to `sqlite://…` or `postgres://…`. A SQLite file is created when missing and
    /// switched to WAL so the API can read while workers write.
    pub async fn connect(url: &str, max_connections: u32) -> DbResult<Self> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(max_connections)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30))
            .sqlx_logging(false)
            // On every connection of the pool, not only the first (`synchronous` is a setting of
            // the connection): WAL, and no fsync per commit — a commit survives a crash of the
            // process; a power cut may lose the last ones, never corrupt the file.
            .map_sqlx_sqlite_opts(|sqlite| {
                sqlite
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
            });
        let conn = Database::connect(options).await?;
        Ok(Db {
            conn,
            clock: Clock::system(),
        })
    }

    /// The clock submissions are dated by; every clone of this `Db` shares it.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The pool, for this crate's queries only: other crates call `Db`'s methods, so sea-orm's
    /// types and SQL stay inside vocweek-db.
    pub(crate) fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// A transaction that may write. On SQLite it takes the write lock at `BEGIN IMMEDIATE`:
    /// a deferred one that reads and then writes fails at once (BUSY_SNAPSHOT) when another
    /// writer — a worker finishing an item — committed in between, and the busy timeout does not
    /// wait for that; an immediate one waits its turn. PostgreSQL ignores the mode.
    /// Crate-private: work that must commit together is one `Db` method (a unit of work), so no
    /// transaction crosses the crate's boundary.
    pub(crate) async fn begin(&self) -> DbResult<DatabaseTransaction> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        Ok(self.conn.begin_with_options(options).await?)
    }

    pub fn backend(&self) -> DbBackendKind {
        match self.conn.get_database_backend() {
            DbBackend::Postgres => DbBackendKind::Postgres,
            _ => DbBackendKind::Sqlite,
        }
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> DbResult<()> {
        Migrator::up(&self.conn, None).await?;
        Ok(())
    }

    /// Rolls back every migration (used by the migration round-trip test).
    pub async fn migrate_down_all(&self) -> DbResult<()> {
        Migrator::down(&self.conn, None).await?;
        Ok(())
    }

    /// `true` when the database answers a trivial query (for `/readyz`).
    pub async fn ping(&self) -> bool {
        self.conn.ping().await.is_ok()
    }

    pub async fn close(self) -> DbResult<()> {
        self.conn.close().await?;
        Ok(())
    }
}

/// Builds a SQLite URL for a file path, creating the file when missing.
pub fn sqlite_url_for(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

impl Db {
    /// The SQLite URL for a database file inside a data directory.
    pub fn sqlite_url(path: &std::path::Path) -> String {
        sqlite_url_for(path)
    }
}
