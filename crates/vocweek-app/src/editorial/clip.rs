//! Clips: on a video's item page an editor marks an in- and an out-point on the player and
//! asks for the stretch as an item of its own (a competition's best minute out of a three-hour
//! replay). The cut is a job (`make_clip`); the clip then goes through processing and review
//! like any item, its history and its source's naming each other.

use vocweek_domain::{AssetKind, AssetState};

use super::error::{EditorialError, Forbidden, Invalid, NotAllowed};
use super::{Actor, Editorial};

/// The shortest clip, in seconds: anything shorter is a slip of the mouse, not a clip.
pub const MIN_CLIP_SECONDS: f64 = 1.0;
/// How far an out-point may lie past the video's measured length (the player's end may show
/// a little more than the pictures' last timestamp).
const END_TOLERANCE_SECONDS: f64 = 0.5;

/// A clip asked for: the id its item will have once cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClipQueued {
    pub clip_id: String,
}

impl Editorial {
    /// Queues the clip `from_seconds`–`to_seconds` of the video item `source_id`.
    pub async fn request_clip(
        &self,
        actor: &Actor,
        source_id: &str,
        from_seconds: f64,
        to_seconds: f64,
    ) -> Result<ClipQueued, EditorialError> {
        let user_id = match actor {
            Actor::Staff { user_id, .. } => *user_id,
            Actor::Partner(_) => return Err(Forbidden::Partner.into()),
            Actor::Unit(_) => return Err(Forbidden::NotStaff.into()),
        };
        let record = self.visible_asset(actor, source_id).await?;
        let asset = &record.asset;
        if asset.kind != AssetKind::Video {
            return Err(NotAllowed::NotAVideo.into());
        }
        match asset.state {
            AssetState::Processing => return Err(NotAllowed::StillProcessing.into()),
            AssetState::Failed => return Err(NotAllowed::NotAVideo.into()),
            _ => {}
        }
        let length = asset
            .metadata
            .pointer("/video/duration_seconds")
            .and_then(serde_json::Value::as_f64);
        check_range(from_seconds, to_seconds, length)?;
        let request = self
            .db
            .request_clip(&asset.id, from_seconds, to_seconds, user_id)
            .await?;
        Ok(ClipQueued {
            clip_id: request.clip_id,
        })
    }
}

/// In- and out-points that make a clip of a video of `length` seconds (when known).
fn check_range(from: f64, to: f64, length: Option<f64>) -> Result<(), Invalid> {
    let within = from.is_finite()
        && to.is_finite()
        && from >= 0.0
        && to - from >= MIN_CLIP_SECONDS
        && length.is_none_or(|length| to <= length + END_TOLERANCE_SECONDS);
    if within {
        Ok(())
    } else {
        Err(Invalid::ClipRange {
            length: length.unwrap_or(0.0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clip_lies_inside_the_video_and_lasts_a_second_at_least() {
        assert!(check_range(10.0, 20.0, Some(60.0)).is_ok());
        assert!(check_range(0.0, 60.4, Some(60.0)).is_ok());
        assert!(check_range(10.0, 20.0, None).is_ok());
        for (from, to) in [
            (10.0, 10.5),
            (20.0, 10.0),
            (-1.0, 5.0),
            (50.0, 61.0),
            (f64::NAN, 5.0),
            (0.0, f64::INFINITY),
        ] {
            assert!(check_range(from, to, Some(60.0)).is_err(), "{from}–{to}");
        }
    }
}
