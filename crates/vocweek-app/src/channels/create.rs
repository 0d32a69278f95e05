//! Opening a channel and its stream key: the key is made here, shown once (in the answer) and
//! kept only as its hash; a new key replaces the old at once, a revoked one admits nobody.

use chrono::{DateTime, Utc};
use vocweek_db::live::{LiveChannel, NewLiveChannel};
use vocweek_db::secrets::{new_token, token_hash};
use vocweek_domain::TagInput;

use super::{ChannelError, Channels, LIVE_CATEGORY, LIVE_SUBCATEGORY};
use crate::Actor;

/// The longest title accepted, in characters (as for an item).
const TITLE_MAX_CHARS: usize = 200;
/// Characters of a key shown on the channel's page to tell keys apart.
const KEY_HINT_CHARS: usize = 4;

/// A channel as an editor or a unit describes it.
#[derive(Debug, Clone)]
pub struct ChannelInput {
    pub title: String,
    /// The organising unit: required from staff; a unit opens channels for itself only.
    pub unit_id: Option<i32>,
    /// A city slug; the unit's city when absent.
    pub city: Option<String>,
    pub themes: Vec<String>,
    pub scheduled_start: DateTime<Utc>,
}

/// A channel with its stream key, which is never shown again.
#[derive(Debug, Clone)]
pub struct CreatedChannel {
    pub channel: LiveChannel,
    pub stream_key: String,
}

impl Channels {
    /// Checks and stores a new channel, tagged 线上展示活动 / 网上观赛 with the given themes.
    pub async fn create(
        &self,
        actor: &Actor,
        input: ChannelInput,
    ) -> Result<CreatedChannel, ChannelError> {
        let unit_id = match (actor, input.unit_id) {
            (Actor::Partner(_), _) => return Err(ChannelError::NotAllowed),
            (Actor::Unit(own), None) => *own,
            (Actor::Unit(own), Some(asked)) if asked == *own => *own,
            (Actor::Unit(_), Some(_)) => return Err(ChannelError::NotAllowed),
            (Actor::Staff { .. }, Some(unit)) => unit,
            (Actor::Staff { .. }, None) => {
                return Err(ChannelError::Invalid(
                    "unit_id: the organising unit is required".to_owned(),
                ));
            }
        };
        let unit = self
            .db
            .unit(unit_id)
            .await?
            .ok_or_else(|| ChannelError::Invalid(format!("unit_id: no unit {unit_id}")))?;
        let title = checked_title(&input.title)?;
        let campaign = self.ingestor.campaign();
        let tags = campaign
            .vocabulary
            .validate(
                &TagInput {
                    city: input.city,
                    category: Some(LIVE_CATEGORY.to_owned()),
                    subcategory: Some(LIVE_SUBCATEGORY.to_owned()),
                    themes: input.themes,
                },
                &unit.city,
            )
            .map_err(|err| ChannelError::Invalid(err.to_string()))?;
        let stream_key = new_stream_key();
        let created_by = match actor {
            Actor::Staff { user_id, .. } if *user_id > 0 => Some(*user_id),
            _ => None,
        };
        let channel = self
            .db
            .create_live_channel(NewLiveChannel {
                campaign_id: campaign.campaign.id,
                unit_id,
                title,
                city: tags.city,
                category: LIVE_CATEGORY.to_owned(),
                subcategory: LIVE_SUBCATEGORY.to_owned(),
                themes: tags.themes,
                scheduled_start: input.scheduled_start,
                key_hash: token_hash(&stream_key),
                key_hint: key_hint(&stream_key),
                created_by,
            })
            .await?;
        Ok(CreatedChannel {
            channel,
            stream_key,
        })
    }

    /// A new stream key for the channel; the old one admits nobody from now on (a publisher
    /// live with it keeps its publish).
    pub async fn new_key(&self, actor: &Actor, id: &str) -> Result<CreatedChannel, ChannelError> {
        self.managed(actor, id).await?;
        let stream_key = new_stream_key();
        let channel = self
            .db
            .set_live_channel_key(id, Some((&token_hash(&stream_key), &key_hint(&stream_key))))
            .await
            .map_err(ChannelError::from_lookup)?;
        Ok(CreatedChannel {
            channel,
            stream_key,
        })
    }

    /// Revokes the channel's key: nobody publishes until a new one is made.
    pub async fn revoke_key(&self, actor: &Actor, id: &str) -> Result<LiveChannel, ChannelError> {
        self.managed(actor, id).await?;
        self.db
            .set_live_channel_key(id, None)
            .await
            .map_err(ChannelError::from_lookup)
    }

    /// The channel if `actor` may change it: not found when it may not even see it.
    async fn managed(&self, actor: &Actor, id: &str) -> Result<LiveChannel, ChannelError> {
        let channel = self.visible(actor, id).await?;
        if Self::may_manage(actor, &channel) {
            Ok(channel)
        } else {
            Err(ChannelError::NotAllowed)
        }
    }
}

/// 256 random bits with a marker that says what the key is (`vwl_…`), as the API's tokens.
fn new_stream_key() -> String {
    new_token("vwl")
}

fn key_hint(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    chars[chars.len().saturating_sub(KEY_HINT_CHARS)..]
        .iter()
        .collect()
}

fn checked_title(title: &str) -> Result<String, ChannelError> {
    let title = title.trim();
    if title.is_empty() {
        return Err(ChannelError::Invalid(
            "title: a title is required".to_owned(),
        ));
    }
    if title.chars().count() > TITLE_MAX_CHARS {
        return Err(ChannelError::Invalid(format!(
            "title: longer than {TITLE_MAX_CHARS} characters"
        )));
    }
    if let Some(c) = title.chars().find(|c| c.is_control()) {
        return Err(ChannelError::Invalid(format!(
            "title: one line without the control character U+{:04X}",
            u32::from(c)
        )));
    }
    Ok(title.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_hints() {
        assert_eq!(checked_title("  技能大赛 直播 ").unwrap(), "技能大赛 直播");
        assert!(checked_title("   ").is_err());
        assert!(checked_title("a\u{0}b").is_err());
        assert!(checked_title(&"赛".repeat(201)).is_err());
        let key = new_stream_key();
        assert!(key.starts_with("vwl_") && key.len() == 68, "{key}");
        assert_eq!(key_hint(&key), key[64..]);
        assert_ne!(new_stream_key(), key);
    }
}
