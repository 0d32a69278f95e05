//! Near-duplicate photos by perceptual hash, found through hash bands (see the migration
//! `m20261130_000004_photo_hashes`): candidates come from index lookups, never a full scan.

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::{photo_hash, photo_hash_band};
use crate::{Db, DbResult};

/// Bands of 8 bits: any two hashes within this distance share a band.
pub const BANDS: usize = 8;
pub const MAX_GUARANTEED_DISTANCE: u32 = BANDS as u32 - 1;

fn band_values(hash: u64) -> [i16; BANDS] {
    std::array::from_fn(|band| ((hash >> (band * 8)) & 0xFF) as i16)
}

/// A stored photo close to a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimilarPhoto {
    pub asset_id: String,
    pub distance: u32,
}

/// Stores an asset's hash and bands (replacing earlier ones, so a rerun is harmless).
pub(crate) async fn store_photo_hash<C: ConnectionTrait>(
    conn: &C,
    asset_id: &str,
    hash: u64,
) -> DbResult<()> {
    photo_hash_band::Entity::delete_many()
        .filter(photo_hash_band::Column::AssetId.eq(asset_id))
        .exec(conn)
        .await?;
    photo_hash::Entity::delete_by_id(asset_id.to_owned())
        .exec(conn)
        .await?;
    photo_hash::Entity::insert(photo_hash::ActiveModel {
        asset_id: sea_orm::Set(asset_id.to_owned()),
        hash: sea_orm::Set(hash as i64),
    })
    .exec(conn)
    .await?;
    let bands = band_values(hash)
        .into_iter()
        .enumerate()
        .map(|(band, value)| photo_hash_band::ActiveModel {
            band: sea_orm::Set(band as i16),
            value: sea_orm::Set(value),
            asset_id: sea_orm::Set(asset_id.to_owned()),
        });
    photo_hash_band::Entity::insert_many(bands)
        .exec(conn)
        .await?;
    Ok(())
}

impl Db {
    /// Stores an asset's hash and bands on their own (processing stores them with its result,
    /// in `Db::finish_processing`).
    pub async fn store_photo_hash(&self, asset_id: &str, hash: u64) -> DbResult<()> {
        let txn = self.begin().await?;
        store_photo_hash(&txn, asset_id, hash).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Photos whose hash is within `max_distance` (at most 7) of `hash`, nearest first,
    /// excluding `except` (the photo itself). Also returns how many candidates the band lookup
    /// produced, which tests use to show no scan happens.
    pub async fn similar_photos(
        &self,
        hash: u64,
        max_distance: u32,
        except: &str,
    ) -> DbResult<(Vec<SimilarPhoto>, usize)> {
        let mut any_band = Condition::any();
        for (band, value) in band_values(hash).into_iter().enumerate() {
            any_band = any_band.add(
                Condition::all()
                    .add(photo_hash_band::Column::Band.eq(band as i16))
                    .add(photo_hash_band::Column::Value.eq(value)),
            );
        }
        let candidate_ids: Vec<String> = photo_hash_band::Entity::find()
            .select_only()
            .column(photo_hash_band::Column::AssetId)
            .distinct()
            .filter(any_band)
            .into_tuple()
            .all(self.conn())
            .await?;
        let candidates = candidate_ids.len();
        let mut found = Vec::new();
        for ids in candidate_ids.chunks(500) {
            let rows = photo_hash::Entity::find()
                .filter(photo_hash::Column::AssetId.is_in(ids.iter().cloned()))
                .all(self.conn())
                .await?;
            found.extend(rows.into_iter().filter_map(|row| {
                let distance = (row.hash as u64 ^ hash).count_ones();
                (distance <= max_distance.min(MAX_GUARANTEED_DISTANCE) && row.asset_id != except)
                    .then_some(SimilarPhoto {
                        asset_id: row.asset_id,
                        distance,
                    })
            }));
        }
        found.sort_by(|a, b| {
            a.distance
                .cmp(&b.distance)
                .then(a.asset_id.cmp(&b.asset_id))
        });
        Ok((found, candidates))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_split_the_hash_bytewise() {
        let bands = band_values(0x0102_0304_0506_07FF);
        assert_eq!(bands[0], 0xFF);
        assert_eq!(bands[7], 0x01);
    }
}
