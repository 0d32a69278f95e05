//! The legacy CJK charsets of the predefined CMaps: how long a code is, and its text.

use encoding_rs::{BIG5, EUC_JP, EUC_KR, Encoding, GB18030, SHIFT_JIS};

use super::clean;

#[derive(Clone, Copy)]
pub(super) enum Charset {
    Gb,
    Big5,
    ShiftJis,
    EucJp,
    EucKr,
    /// JIS X 0208 row and cell bytes (the `H` and `V` CMaps): EUC-JP less its high bits.
    Jis,
}

impl Charset {
    pub(super) fn code_len(self, bytes: &[u8]) -> usize {
        let first = bytes.first().copied().unwrap_or(0);
        let second = bytes.get(1).copied().unwrap_or(0);
        match self {
            Charset::Gb if (0x81..=0xFE).contains(&first) => {
                if (0x30..=0x39).contains(&second) {
                    4
                } else {
                    2
                }
            }
            Charset::Big5 | Charset::EucKr if (0x81..=0xFE).contains(&first) => 2,
            Charset::ShiftJis if matches!(first, 0x81..=0x9F | 0xE0..=0xFC) => 2,
            Charset::EucJp if first == 0x8F => 3,
            Charset::EucJp if first == 0x8E || (0xA1..=0xFE).contains(&first) => 2,
            Charset::Jis => 2,
            _ => 1,
        }
    }

    pub(super) fn decode(self, bytes: &[u8]) -> String {
        let (encoding, high_bits): (&'static Encoding, bool) = match self {
            Charset::Gb => (GB18030, false),
            Charset::Big5 => (BIG5, false),
            Charset::ShiftJis => (SHIFT_JIS, false),
            Charset::EucJp => (EUC_JP, false),
            Charset::EucKr => (EUC_KR, false),
            Charset::Jis => (EUC_JP, true),
        };
        if high_bits {
            let euc: Vec<u8> = bytes.iter().map(|byte| byte | 0x80).collect();
            clean(&encoding.decode_without_bom_handling(&euc).0)
        } else {
            clean(&encoding.decode_without_bom_handling(bytes).0)
        }
    }
}
