//! The hashes the standard security handler derives keys with (RustCrypto's `md-5` and
//! `sha2`): MD5 for revisions 2 to 4 and each object's RC4/AES-128 key, SHA-256/384/512 for
//! revision 6's password hash.

use sha2::Digest;

pub(crate) fn md5(data: &[u8]) -> [u8; 16] {
    fixed(&md5::Md5::digest(data))
}

pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    fixed(&sha2::Sha256::digest(data))
}

pub(crate) fn sha384(data: &[u8]) -> [u8; 48] {
    fixed(&sha2::Sha384::digest(data))
}

pub(crate) fn sha512(data: &[u8]) -> [u8; 64] {
    fixed(&sha2::Sha512::digest(data))
}

/// A digest as an array of its known length.
fn fixed<const N: usize>(digest: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&digest[..N.min(digest.len())]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::pdf_crypt::hex;

    #[test]
    fn known_answers() {
        assert_eq!(hex(&md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(&hex(&sha384(b"abc"))[..16], "cb00753f45a35e8b");
        assert_eq!(&hex(&sha512(b"abc"))[..16], "ddaf35a193617aba");
    }
}
