//! A classic TIFF's first picture as its first directory (IFD) describes it: its size and its
//! kind of samples. Read by hand because the image crate refuses some files without saying what
//! they hold: a floating-point greyscale TIFF comes back as "color type Unknown(32)".

use crate::MediaError;

/// What the first directory says about the picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TiffHeader {
    pub width: u32,
    pub height: u32,
    /// Bits of the first sample (TIFF's default is 1).
    pub bits_per_sample: u16,
    /// SampleFormat 3: IEEE floating point (the default, 1, is unsigned integers).
    pub float_samples: bool,
    /// PhotometricInterpretation 0 or 1: one grey sample (with perhaps extra ones).
    pub greyscale: bool,
}

const IMAGE_WIDTH: u16 = 256;
const IMAGE_LENGTH: u16 = 257;
const BITS_PER_SAMPLE: u16 = 258;
const PHOTOMETRIC: u16 = 262;
const SAMPLE_FORMAT: u16 = 339;
const SAMPLE_FORMAT_FLOAT: u32 = 3;

/// TIFF field types.
const SHORT: u16 = 3;
const LONG: u16 = 4;

/// The first directory of a little- or big-endian classic TIFF; `None` when it cannot be read.
pub fn read(tiff: &[u8]) -> Option<TiffHeader> {
    let big_endian = match tiff.get(..4)? {
        b"II*\0" => false,
        b"MM\0*" => true,
        _ => return None,
    };
    let reader = Reader {
        bytes: tiff,
        big_endian,
    };
    let directory = usize::try_from(reader.u32(4)?).ok()?;
    let entries = usize::from(reader.u16(directory)?);
    let mut header = TiffHeader {
        width: 0,
        height: 0,
        bits_per_sample: 1,
        float_samples: false,
        greyscale: false,
    };
    for index in 0..entries {
        // Entries are 12 bytes: tag, type, count, then the value or where it is.
        let entry = directory
            .checked_add(2)?
            .checked_add(index.checked_mul(12)?)?;
        let first = || reader.first_value(entry);
        match reader.u16(entry)? {
            IMAGE_WIDTH => header.width = first()?,
            IMAGE_LENGTH => header.height = first()?,
            BITS_PER_SAMPLE => header.bits_per_sample = u16::try_from(first()?).ok()?,
            PHOTOMETRIC => header.greyscale = first()? <= 1,
            SAMPLE_FORMAT => header.float_samples = first()? == SAMPLE_FORMAT_FLOAT,
            _ => {}
        }
    }
    Some(header)
}

/// The refusal for a TIFF of floating-point samples the image crate could not open, in words
/// an editor can act on; `None` when the samples are not floating point (the image crate's own
/// message stands then). The image crate decodes 32-bit floating-point RGB and RGBA (they are
/// converted to 8 bits), so only other float pictures come here.
pub fn float_samples_refusal(tiff: &[u8]) -> Option<MediaError> {
    let header = read(tiff).filter(|header| header.float_samples)?;
    let bits = header.bits_per_sample;
    let message = if bits == 32 && header.greyscale {
        "32-bit floating-point TIFF samples are not supported in greyscale pictures \
         (only in RGB and RGBA); export as 8- or 16-bit"
            .to_owned()
    } else {
        format!("{bits}-bit floating-point TIFF samples are not supported; export as 8- or 16-bit")
    };
    Some(MediaError::ImageUnsupported(message))
}

/// Reads numbers in the file's byte order, `None` past its end.
struct Reader<'a> {
    bytes: &'a [u8],
    big_endian: bool,
}

impl Reader<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        let pair: [u8; 2] = self.bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let quad: [u8; 4] = self.bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.big_endian {
            u32::from_be_bytes(quad)
        } else {
            u32::from_le_bytes(quad)
        })
    }

    /// The first value of a SHORT or LONG entry: in the entry itself when all its values fit in
    /// four bytes, else where the entry points.
    fn first_value(&self, entry: usize) -> Option<u32> {
        let kind = self.u16(entry.checked_add(2)?)?;
        let count = self.u32(entry.checked_add(4)?)?;
        let field = entry.checked_add(8)?;
        let (size, inline) = match kind {
            SHORT => (2, count <= 2),
            LONG => (4, count <= 1),
            _ => return None,
        };
        let at = if inline {
            field
        } else {
            usize::try_from(self.u32(field)?).ok()?
        };
        if size == 2 {
            self.u16(at).map(u32::from)
        } else {
            self.u32(at)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian TIFF directory with the given (tag, type, count, value) entries; values of
    /// entries that do not fit in four bytes are written after the directory.
    fn tiff(entries: &[(u16, u16, u32, Vec<u32>)]) -> Vec<u8> {
        let directory_len = 2 + 12 * entries.len() + 4;
        let mut extra = Vec::new();
        let mut out = b"II*\0\x08\0\0\0".to_vec();
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, kind, count, values) in entries {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            let mut data = Vec::new();
            for value in values {
                if *kind == SHORT {
                    data.extend_from_slice(&(*value as u16).to_le_bytes());
                } else {
                    data.extend_from_slice(&value.to_le_bytes());
                }
            }
            if data.len() <= 4 {
                data.resize(4, 0);
                out.extend_from_slice(&data);
            } else {
                let at = 8 + directory_len + extra.len();
                out.extend_from_slice(&(at as u32).to_le_bytes());
                extra.extend_from_slice(&data);
            }
        }
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&extra);
        out
    }

    #[test]
    fn size_and_samples_are_read_inline_and_out_of_line() {
        let grey = tiff(&[
            (IMAGE_WIDTH, LONG, 1, vec![640]),
            (IMAGE_LENGTH, SHORT, 1, vec![480]),
            (BITS_PER_SAMPLE, SHORT, 1, vec![32]),
            (PHOTOMETRIC, SHORT, 1, vec![1]),
            (SAMPLE_FORMAT, SHORT, 1, vec![3]),
        ]);
        assert_eq!(
            read(&grey),
            Some(TiffHeader {
                width: 640,
                height: 480,
                bits_per_sample: 32,
                float_samples: true,
                greyscale: true,
            })
        );
        let message = float_samples_refusal(&grey).unwrap().to_string();
        assert!(
            message.contains("32-bit floating-point TIFF samples are not supported"),
            "{message}"
        );
        assert!(message.contains("export as 8- or 16-bit"), "{message}");

        let rgb16 = tiff(&[
            (IMAGE_WIDTH, SHORT, 1, vec![50_000]),
            (IMAGE_LENGTH, LONG, 1, vec![50_000]),
            (BITS_PER_SAMPLE, SHORT, 3, vec![16, 16, 16]),
            (PHOTOMETRIC, SHORT, 1, vec![2]),
        ]);
        let header = read(&rgb16).unwrap();
        assert_eq!((header.width, header.height), (50_000, 50_000));
        assert_eq!(header.bits_per_sample, 16);
        assert!(!header.float_samples && !header.greyscale);
        assert_eq!(float_samples_refusal(&rgb16), None);
    }

    #[test]
    fn broken_directories_are_not_read() {
        assert_eq!(read(b"II*\0"), None);
        assert_eq!(read(b"II*\0\xff\xff\xff\x7f"), None);
        // An entry pointing past the end of the file.
        let mut cut = tiff(&[(BITS_PER_SAMPLE, SHORT, 3, vec![8, 8, 8])]);
        cut.truncate(cut.len() - 6);
        assert_eq!(read(&cut), None);
    }
}
