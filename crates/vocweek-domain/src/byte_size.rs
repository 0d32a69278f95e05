//! Sizes in bytes as settings write them: `50MB`, `20 GB`, `512KiB`, or a plain number of bytes.
//! Here, below every crate whose settings have one (limits, photo decodes, media children, S3
//! parts), so that each can deserialize its own section.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, Visitor};

use crate::DomainError;

const KIB: u64 = 1 << 10;
const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

/// A size of at least one byte. Read from text with a unit — decimal `kB`/`MB`/`GB` (powers of
/// 1000), binary `KiB`/`MiB`/`GiB` (of 1024) — or from a whole number of bytes; shown in the
/// largest unit that writes it exactly (`2GiB`, `50MB`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSize(u64);

impl ByteSize {
    /// `mebibytes` MiB, the unit most defaults are written in.
    pub const fn mib(mebibytes: u64) -> ByteSize {
        ByteSize(mebibytes * MIB)
    }

    /// Exactly `bytes` bytes.
    pub const fn bytes(bytes: u64) -> ByteSize {
        ByteSize(bytes)
    }

    pub const fn as_u64(self) -> u64 {
        self.0
    }
}

impl FromStr for ByteSize {
    type Err = DomainError;

    /// Reads `50MB`, `20 GB`, `512KiB`, `1.5kb`, `1048576` (bytes).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = DomainError::InvalidValue;
        let trimmed = text.trim();
        let split = trimmed
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(trimmed.len());
        let (number, unit) = trimmed.split_at(split);
        let number: f64 = number
            .parse()
            .map_err(|_| invalid(format!("'{text}' is not a size like 50MB")))?;
        let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kb" => 1_000,
            "m" | "mb" => 1_000_000,
            "g" | "gb" => 1_000_000_000,
            "kib" => KIB,
            "mib" => MIB,
            "gib" => GIB,
            other => return Err(invalid(format!("unknown size unit '{other}' in '{text}'"))),
        };
        let bytes = number * factor as f64;
        if !(1.0..=u64::MAX as f64).contains(&bytes) {
            return Err(invalid(format!("'{text}' is out of range")));
        }
        Ok(ByteSize(bytes as u64))
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(u64, &str); 6] = [
            (GIB, "GiB"),
            (1_000_000_000, "GB"),
            (MIB, "MiB"),
            (1_000_000, "MB"),
            (KIB, "KiB"),
            (1_000, "kB"),
        ];
        let exact = UNITS
            .iter()
            .find(|(unit, _)| self.0 > 0 && self.0.is_multiple_of(*unit));
        match exact {
            Some((unit, name)) => write!(f, "{}{name}", self.0 / unit),
            None => write!(f, "{}", self.0),
        }
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    /// Text as [`FromStr`] reads it, or a whole number of bytes (at least 1).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ByteSizeVisitor)
    }
}

struct ByteSizeVisitor;

impl<'de> Visitor<'de> for ByteSizeVisitor {
    type Value = ByteSize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a size like \"50MB\" or \"512MiB\", or a number of bytes")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<ByteSize, E> {
        text.parse().map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, bytes: u64) -> Result<ByteSize, E> {
        if bytes == 0 {
            return Err(E::invalid_value(de::Unexpected::Unsigned(bytes), &self));
        }
        Ok(ByteSize(bytes))
    }

    fn visit_i64<E: de::Error>(self, bytes: i64) -> Result<ByteSize, E> {
        match u64::try_from(bytes) {
            Ok(bytes) => self.visit_u64(bytes),
            Err(_) => Err(E::invalid_value(de::Unexpected::Signed(bytes), &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_both_unit_systems() {
        let parse = |text: &str| text.parse::<ByteSize>().map(ByteSize::as_u64);
        assert_eq!(parse("50MB"), Ok(50_000_000));
        assert_eq!(parse("20 GB"), Ok(20_000_000_000));
        assert_eq!(parse("1MiB"), Ok(1_048_576));
        assert_eq!(parse("1.5kb"), Ok(1_500));
        assert_eq!(parse("123"), Ok(123));
        assert!(parse("lots").is_err());
        assert!(parse("5 parsecs").is_err());
        assert!(parse("0").is_err());
    }

    #[test]
    fn sizes_show_in_their_largest_exact_unit() {
        assert_eq!(ByteSize::mib(2048).to_string(), "2GiB");
        assert_eq!(ByteSize::mib(1536).to_string(), "1536MiB");
        assert_eq!(ByteSize::bytes(50_000_000).to_string(), "50MB");
        assert_eq!(ByteSize::bytes(20_000_000_000).to_string(), "20GB");
        assert_eq!(ByteSize::bytes(1_500).to_string(), "1500");
        assert_eq!(ByteSize::bytes(123).to_string(), "123");
    }

    #[test]
    fn settings_give_text_or_a_number_of_bytes() {
        #[derive(Debug, serde::Deserialize)]
        struct Section {
            size: ByteSize,
        }
        let read = |json: &str| serde_json::from_str::<Section>(json).map(|s| s.size.as_u64());
        assert_eq!(read(r#"{"size": "16MiB"}"#).unwrap(), 16 * MIB);
        assert_eq!(read(r#"{"size": 4096}"#).unwrap(), 4096);
        assert!(read(r#"{"size": 0}"#).is_err());
        assert!(read(r#"{"size": -1}"#).is_err());
        assert!(read(r#"{"size": "lots"}"#).is_err());
        assert!(read(r#"{"size": {}}"#).is_err());
    }
}
