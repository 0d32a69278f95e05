use vocweek_domain::AssetKind;

const MB: u64 = 1_000_000;

/// Largest accepted upload per kind, in bytes. Checked while the bytes arrive: an upload stops
/// being read the moment it passes its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    pub photo: u64,
    pub video: u64,
    pub article: u64,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            photo: 50 * MB,
            video: 20_000 * MB,
            article: 50 * MB,
        }
    }
}

impl UploadLimits {
    pub fn for_kind(&self, kind: AssetKind) -> u64 {
        match kind {
            AssetKind::Photo => self.photo,
            AssetKind::Video => self.video,
            AssetKind::Article => self.article,
        }
    }

    /// The limit before the type is known: the largest of all.
    pub fn largest(&self) -> u64 {
        self.photo.max(self.video).max(self.article)
    }
}

/// Reads `50MB`, `20 GB`, `512KiB`, `1048576` (bytes). Decimal units are powers of 1000,
/// binary ones (`KiB`, `MiB`, `GiB`) of 1024.
pub fn parse_byte_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a size like 50MB"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => MB,
        "g" | "gb" => 1_000 * MB,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        other => return Err(format!("unknown size unit '{other}' in '{text}'")),
    };
    let bytes = number * factor as f64;
    if !(1.0..=u64::MAX as f64).contains(&bytes) {
        return Err(format!("'{text}' is out of range"));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_both_unit_systems() {
        assert_eq!(parse_byte_size("50MB"), Ok(50_000_000));
        assert_eq!(parse_byte_size("20 GB"), Ok(20_000_000_000));
        assert_eq!(parse_byte_size("1MiB"), Ok(1_048_576));
        assert_eq!(parse_byte_size("1.5kb"), Ok(1_500));
        assert_eq!(parse_byte_size("123"), Ok(123));
        assert!(parse_byte_size("lots").is_err());
        assert!(parse_byte_size("5 parsecs").is_err());
        assert!(parse_byte_size("0").is_err());
    }
}
