//! The standard security handler (ISO 32000-2, 7.6.4): the file key that the empty user
//! password gives, checked against the document's /U, and how strings and streams are
//! encrypted. Revisions 2 to 4 derive the key with MD5 and encrypt with RC4 or AES-128
//! (AESV2); revisions 5 and 6 unwrap a 256-bit key with SHA-2 and AES (AESV3).

use pdf_extract::{Dictionary, Document, ObjectId};

use super::aes::{Aes, cbc_decrypt, cbc_encrypt};
use super::digests::{md5, sha256, sha384, sha512};
use super::rc4::rc4;
use crate::MediaError;
use crate::article::pdf_objects::{dictionary, integer, name, string};

/// What a password is padded with to 32 bytes (Algorithm 2, step a).
pub(super) const PAD: [u8; 32] = [
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
    0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
];

/// How strings or streams are encrypted (a crypt filter's /CFM).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Identity,
    Rc4,
    /// AESV2: AES-128 with a key per object.
    Aes128,
    /// AESV3: AES-256 with the file key.
    Aes256,
}

pub(super) struct Handler {
    key: Vec<u8>,
    strings: Method,
    streams: Method,
    encrypt_metadata: bool,
}

impl Handler {
    /// Opens the document with the empty user password, as every reader tries first: a PDF
    /// that only restricts editing or printing (an owner password alone) opens with it. One
    /// that needs a user password is refused as such.
    pub(super) fn open(
        pdf: &Document,
        encryption: &Dictionary,
        first_id: &[u8],
    ) -> Result<Handler, MediaError> {
        let password: &[u8] = b"";
        if name(pdf, encryption, b"Filter") != Some(b"Standard".as_slice()) {
            // A certificate handler (/Adobe.PubSec): opening needs a recipient's private key,
            // which to the sender is the same as a password.
            return Err(MediaError::ArticlePasswordProtected);
        }
        let v = integer(pdf, encryption, b"V").unwrap_or(0);
        let r = integer(pdf, encryption, b"R").unwrap_or(0);
        let (strings, streams) = match v {
            1 | 2 => (Method::Rc4, Method::Rc4),
            4 | 5 => (
                crypt_filter(pdf, encryption, b"StrF")?,
                crypt_filter(pdf, encryption, b"StmF")?,
            ),
            _ => return Err(unsupported(&format!("/V {v}"))),
        };
        let encrypt_metadata = encryption
            .get(b"EncryptMetadata")
            .ok()
            .and_then(|value| value.as_bool().ok())
            .unwrap_or(true);
        let u = string(pdf, encryption, b"U").unwrap_or_default();
        let key = match r {
            2..=4 => {
                let o = string(pdf, encryption, b"O").unwrap_or_default();
                // /P is a signed 32-bit integer; some writers store it unsigned.
                let p = u32::try_from(integer(pdf, encryption, b"P").unwrap_or(0) & 0xFFFF_FFFF)
                    .unwrap_or(0);
                let length = if r == 2 {
                    5
                } else if strings == Method::Aes128 || streams == Method::Aes128 {
                    16
                } else {
                    let bits = integer(pdf, encryption, b"Length").unwrap_or(if v >= 4 {
                        128
                    } else {
                        40
                    });
                    usize::try_from(bits / 8).unwrap_or(16).clamp(5, 16)
                };
                let key = legacy_file_key(password, o, p, first_id, r, length, encrypt_metadata);
                if !legacy_user_password_matches(&key, u, first_id, r) {
                    return Err(MediaError::ArticlePasswordProtected);
                }
                key
            }
            5 | 6 => {
                let ue = string(pdf, encryption, b"UE").unwrap_or_default();
                aes256_file_key(password, u, ue, r).ok_or(MediaError::ArticlePasswordProtected)?
            }
            _ => return Err(unsupported(&format!("/R {r}"))),
        };
        Ok(Handler {
            key,
            strings,
            streams,
            encrypt_metadata,
        })
    }

    /// Whether /Metadata streams are encrypted too (`/EncryptMetadata`, true unless false).
    pub(super) fn encrypts_metadata(&self) -> bool {
        self.encrypt_metadata
    }

    pub(super) fn string(&self, id: ObjectId, data: &[u8]) -> Vec<u8> {
        self.decrypt(self.strings, id, data)
    }

    pub(super) fn stream(&self, id: ObjectId, data: &[u8]) -> Vec<u8> {
        self.decrypt(self.streams, id, data)
    }

    fn decrypt(&self, method: Method, id: ObjectId, data: &[u8]) -> Vec<u8> {
        match method {
            Method::Identity => data.to_vec(),
            Method::Rc4 => rc4(&object_key(&self.key, id, false), data),
            Method::Aes128 => aes_cbc_decrypt(&object_key(&self.key, id, true), data),
            Method::Aes256 => aes_cbc_decrypt(&self.key, data),
        }
    }
}

fn unsupported(what: &str) -> MediaError {
    MediaError::ArticleUnsupported(format!(
        "the PDF is encrypted in a way this reader does not know ({what}); send it without encryption"
    ))
}

/// The method of the crypt filter that `/StrF` or `/StmF` names (Identity when absent).
fn crypt_filter(pdf: &Document, encryption: &Dictionary, key: &[u8]) -> Result<Method, MediaError> {
    let Some(filter_name) = name(pdf, encryption, key) else {
        return Ok(Method::Identity);
    };
    if filter_name == b"Identity" {
        return Ok(Method::Identity);
    }
    let Some(filter) = dictionary(pdf, encryption, b"CF")
        .and_then(|filters| dictionary(pdf, filters, filter_name))
    else {
        return Err(unsupported("a crypt filter that is not defined"));
    };
    match name(pdf, filter, b"CFM") {
        None | Some(b"None") => Ok(Method::Identity),
        Some(b"V2") => Ok(Method::Rc4),
        Some(b"AESV2") => Ok(Method::Aes128),
        Some(b"AESV3") => Ok(Method::Aes256),
        Some(other) => Err(unsupported(&format!(
            "crypt filter method /{}",
            String::from_utf8_lossy(other)
        ))),
    }
}

/// The password padded (or cut) to 32 bytes.
pub(super) fn padded_password(password: &[u8]) -> [u8; 32] {
    let mut out = PAD;
    let used = password.len().min(32);
    for (slot, byte) in out.iter_mut().zip(password.iter().take(used)) {
        *slot = *byte;
    }
    if let (Some(rest), Some(pad)) = (out.get_mut(used..), PAD.get(..32 - used)) {
        rest.copy_from_slice(pad);
    }
    out
}

/// Algorithm 2: the file key of revisions 2 to 4, `length` bytes long.
pub(super) fn legacy_file_key(
    password: &[u8],
    o: &[u8],
    p: u32,
    first_id: &[u8],
    r: i64,
    length: usize,
    encrypt_metadata: bool,
) -> Vec<u8> {
    let mut input = padded_password(password).to_vec();
    input.extend_from_slice(o.get(..32).unwrap_or(o));
    input.extend_from_slice(&p.to_le_bytes());
    input.extend_from_slice(first_id);
    if r >= 4 && !encrypt_metadata {
        input.extend_from_slice(&[0xFF; 4]);
    }
    let mut digest = md5(&input);
    if r >= 3 {
        for _ in 0..50 {
            digest = md5(digest.get(..length).unwrap_or(&digest));
        }
    }
    digest.get(..length).unwrap_or(&digest).to_vec()
}

/// Algorithms 4 and 5: what /U holds for the user password whose file key is `key`.
pub(super) fn legacy_user_value(key: &[u8], first_id: &[u8], r: i64) -> Vec<u8> {
    if r == 2 {
        return rc4(key, &PAD);
    }
    let mut input = PAD.to_vec();
    input.extend_from_slice(first_id);
    let mut value = rc4(key, &md5(&input));
    for i in 1..=19u8 {
        let round_key: Vec<u8> = key.iter().map(|byte| byte ^ i).collect();
        value = rc4(&round_key, &value);
    }
    value
}

/// Only the first 16 bytes of /U count (revisions 3 and 4 pad it with arbitrary bytes; for
/// revision 2 they decide as well as all 32).
fn legacy_user_password_matches(key: &[u8], u: &[u8], first_id: &[u8], r: i64) -> bool {
    let value = legacy_user_value(key, first_id, r);
    matches!((value.get(..16), u.get(..16)), (Some(a), Some(b)) if a == b)
}

/// Algorithm 2.A: the file key of revisions 5 and 6, unwrapped from /UE when the password
/// matches /U (its hash, then an 8-byte validation salt and an 8-byte key salt).
pub(super) fn aes256_file_key(password: &[u8], u: &[u8], ue: &[u8], r: i64) -> Option<Vec<u8>> {
    let (hash, validation_salt, key_salt) = (u.get(..32)?, u.get(32..40)?, u.get(40..48)?);
    if hash_2b(password, validation_salt, &[], r).as_slice() != hash {
        return None;
    }
    let intermediate = hash_2b(password, key_salt, &[], r);
    let aes = Aes::new(&intermediate)?;
    let key = cbc_decrypt(&aes, [0; 16], ue.get(..32)?);
    (key.len() == 32).then_some(key)
}

/// Algorithm 2.B, the password hash of revision 6; revision 5's is its first SHA-256 alone.
pub(super) fn hash_2b(password: &[u8], salt: &[u8], user_key: &[u8], r: i64) -> [u8; 32] {
    let mut input = password.to_vec();
    input.extend_from_slice(salt);
    input.extend_from_slice(user_key);
    let mut k = sha256(&input).to_vec();
    if r >= 6 {
        let mut round = 0u32;
        loop {
            let mut k1 = Vec::with_capacity(64 * (password.len() + k.len() + user_key.len()));
            for _ in 0..64 {
                k1.extend_from_slice(password);
                k1.extend_from_slice(&k);
                k1.extend_from_slice(user_key);
            }
            let (Some(aes), Some(iv)) = (
                k.get(..16).and_then(Aes::new),
                k.get(16..32).and_then(|iv| <[u8; 16]>::try_from(iv).ok()),
            ) else {
                break;
            };
            let e = cbc_encrypt(&aes, iv, &k1);
            // The first 16 bytes as a big-endian number modulo 3: 256 ≡ 1 (mod 3), so the
            // sum of the bytes has the same remainder.
            let remainder = e.iter().take(16).map(|b| u32::from(*b)).sum::<u32>() % 3;
            k = match remainder {
                0 => sha256(&e).to_vec(),
                1 => sha384(&e).to_vec(),
                _ => sha512(&e).to_vec(),
            };
            round += 1;
            // At least 64 rounds, then until the last byte of E is at most round − 32: over
            // by round 287 whatever the data.
            let last = e.last().map_or(0, |byte| u32::from(*byte));
            if round >= 64 && last <= round - 32 {
                break;
            }
        }
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(k.get(..32).unwrap_or(&[0; 32]));
    out
}

/// The RC4 or AES-128 key of one object (Algorithm 1): the file key, the object number's low
/// three bytes and the generation's two, and `sAlT` for AES, hashed.
pub(super) fn object_key(key: &[u8], id: ObjectId, aes: bool) -> Vec<u8> {
    let mut input = key.to_vec();
    input.extend_from_slice(id.0.to_le_bytes().get(..3).unwrap_or_default());
    input.extend_from_slice(&id.1.to_le_bytes());
    if aes {
        input.extend_from_slice(b"sAlT");
    }
    let digest = md5(&input);
    digest
        .get(..(key.len() + 5).min(16))
        .unwrap_or(&digest)
        .to_vec()
}

/// AESV2 and AESV3 data: a 16-byte IV, then CBC blocks ending in PKCS#7 padding. Like readers,
/// this is lenient: a partial last block is dropped and padding that is not valid is kept.
fn aes_cbc_decrypt(key: &[u8], data: &[u8]) -> Vec<u8> {
    let (Some(aes), Some(iv), Some(blocks)) = (
        Aes::new(key),
        data.get(..16).and_then(|iv| <[u8; 16]>::try_from(iv).ok()),
        data.get(16..),
    ) else {
        return Vec::new();
    };
    let mut plain = cbc_decrypt(&aes, iv, blocks);
    if let Some(&pad) = plain.last() {
        let pad_len = usize::from(pad);
        let start = plain.len().saturating_sub(pad_len);
        if (1..=16).contains(&pad_len)
            && pad_len <= plain.len()
            && plain
                .get(start..)
                .is_some_and(|tail| tail.iter().all(|b| *b == pad))
        {
            plain.truncate(start);
        }
    }
    plain
}
