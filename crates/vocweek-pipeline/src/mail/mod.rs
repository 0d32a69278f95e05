//! Notices to units by email (issue 19): the `[mail]` settings and the SMTP transport
//! (`settings`), what a notice says in Chinese (`compose`), the sender and the deadline watcher
//! each worker node runs (`sender`), and the missed days and overdue reports it records
//! (`deadlines`). The notices themselves are rows of vocweek-db (`notifications`), written
//! with what they tell of; a unit sees them on its page whether or not mail is on.

mod compose;
mod deadlines;
mod sender;
mod settings;

pub use compose::{Letter, letter, sentence};
pub use deadlines::record_missed_deadlines;
pub use sender::{MAX_MAIL_ATTEMPTS, Notifier};
pub use settings::{MailSettings, Security, Transport};
