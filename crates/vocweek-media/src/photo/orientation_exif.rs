//! TIFF keeps its orientation in its own tags, not in an EXIF block: it is expressed here as a
//! minimal EXIF block, so that one reader (`exif_facts`) serves every format.

/// The EXIF number of an orientation the image crate read from TIFF tags.
pub fn orientation_number(orientation: image::metadata::Orientation) -> u16 {
    use image::metadata::Orientation::*;
    match orientation {
        NoTransforms => 1,
        FlipHorizontal => 2,
        Rotate180 => 3,
        FlipVertical => 4,
        Rotate90FlipH => 5,
        Rotate90 => 6,
        Rotate270FlipH => 7,
        Rotate270 => 8,
    }
}

/// A little-endian TIFF block with one IFD entry: Orientation.
pub fn minimal_exif_orientation(value: u16) -> Vec<u8> {
    let mut block = b"II*\0\x08\0\0\0\x01\0".to_vec();
    block.extend_from_slice(&0x0112u16.to_le_bytes());
    block.extend_from_slice(&3u16.to_le_bytes());
    block.extend_from_slice(&1u32.to_le_bytes());
    block.extend_from_slice(&value.to_le_bytes());
    block.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minimal_exif_block_reads_back() {
        let facts = super::super::exif_facts::read(&minimal_exif_orientation(6));
        assert_eq!(facts.orientation, Some(6));
    }
}
