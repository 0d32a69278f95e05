//! A queued job's row as the other crates see it.

use std::fmt;

use crate::DbError;
use crate::entities::job;

/// A job's number in the queue. Only the queue hands them out, so a caller cannot name a job
/// it was not given (a delivery's or an asset's number, say) by mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub(crate) i32);

impl JobId {
    /// The number itself, for logs, metrics and audit details.
    pub fn get(self) -> i32 {
        self.0
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where a job is: waiting (`queued`, also between retries), held by a worker (`running`),
/// finished (`done`) or given up (`dead`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    Queued,
    Running,
    Done,
    Dead,
}

impl JobState {
    pub const ALL: [JobState; 4] = [
        JobState::Queued,
        JobState::Running,
        JobState::Done,
        JobState::Dead,
    ];

    /// The word stored in `jobs.state` (and compared in the claim query's SQL).
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
        }
    }

    pub fn parse(value: &str) -> Option<JobState> {
        Self::ALL.into_iter().find(|state| state.as_str() == value)
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One job: the `jobs` row, with its id and state typed. Its kind stays text: the set of
/// kinds is open (each handler registers its own, tests add theirs).
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub asset_id: Option<String>,
    /// JSON text, opaque to the queue.
    pub payload: String,
    pub state: JobState,
    pub attempts: i32,
    pub max_attempts: i32,
    /// Epoch milliseconds.
    pub run_after: i64,
    pub locked_by: Option<String>,
    pub locked_until: Option<i64>,
    pub last_error: Option<String>,
    /// 0.0 to 1.0, reported by long jobs.
    pub progress: f64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The one place a stored job state is read back: another word was written by hand or by a
/// bug, so it is `Corrupt`.
impl TryFrom<job::Model> for Job {
    type Error = DbError;

    fn try_from(row: job::Model) -> Result<Self, DbError> {
        let state = JobState::parse(&row.state).ok_or_else(|| {
            DbError::Corrupt(format!("job {}: unknown state '{}'", row.id, row.state))
        })?;
        Ok(Job {
            id: JobId(row.id),
            kind: row.kind,
            asset_id: row.asset_id,
            payload: row.payload,
            state,
            attempts: row.attempts,
            max_attempts: row.max_attempts,
            run_after: row.run_after,
            locked_by: row.locked_by,
            locked_until: row.locked_until,
            last_error: row.last_error,
            progress: row.progress,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(state: &str) -> job::Model {
        job::Model {
            id: 7,
            kind: "process_asset".to_owned(),
            asset_id: Some("a1".to_owned()),
            payload: "{}".to_owned(),
            state: state.to_owned(),
            attempts: 1,
            max_attempts: 3,
            run_after: 0,
            locked_by: None,
            locked_until: None,
            last_error: None,
            progress: 0.0,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn states_round_trip() {
        for state in JobState::ALL {
            assert_eq!(JobState::parse(state.as_str()), Some(state));
        }
        let job = Job::try_from(row("running")).unwrap();
        assert_eq!((job.id, job.state), (JobId(7), JobState::Running));
    }

    #[test]
    fn an_unknown_stored_state_is_corrupt_data() {
        let err = Job::try_from(row("paused")).unwrap_err();
        assert!(
            matches!(err, DbError::Corrupt(ref why) if why.contains("paused")),
            "{err}"
        );
    }
}
