//! AES for PDF's AESV2 and AESV3 (the RustCrypto `aes` crate) and the CBC chaining PDF uses:
//! streams and strings are CBC with the IV in their first 16 bytes; revision 6's password hash
//! encrypts with AES-128-CBC. The chaining is here (a few XORs) because PDF needs it both ways
//! without padding and over buffers it already holds.

use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};

/// A key of 128, 192 or 256 bits, expanded.
pub(crate) enum Aes {
    Bits128(aes::Aes128),
    Bits192(aes::Aes192),
    Bits256(aes::Aes256),
}

impl Aes {
    /// `None` unless the key is 16, 24 or 32 bytes.
    pub(crate) fn new(key: &[u8]) -> Option<Aes> {
        match key.len() {
            16 => aes::Aes128::new_from_slice(key).ok().map(Aes::Bits128),
            24 => aes::Aes192::new_from_slice(key).ok().map(Aes::Bits192),
            32 => aes::Aes256::new_from_slice(key).ok().map(Aes::Bits256),
            _ => None,
        }
    }

    pub(crate) fn encrypt_block(&self, state: &mut [u8; 16]) {
        let block = GenericArray::from_mut_slice(state);
        match self {
            Aes::Bits128(cipher) => cipher.encrypt_block(block),
            Aes::Bits192(cipher) => cipher.encrypt_block(block),
            Aes::Bits256(cipher) => cipher.encrypt_block(block),
        }
    }

    pub(crate) fn decrypt_block(&self, state: &mut [u8; 16]) {
        let block = GenericArray::from_mut_slice(state);
        match self {
            Aes::Bits128(cipher) => cipher.decrypt_block(block),
            Aes::Bits192(cipher) => cipher.decrypt_block(block),
            Aes::Bits256(cipher) => cipher.decrypt_block(block),
        }
    }
}

/// CBC decryption of the whole blocks of `data` (a trailing partial block is ignored), padding
/// left in place.
pub(crate) fn cbc_decrypt(aes: &Aes, iv: [u8; 16], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut previous = iv;
    for chunk in data.chunks_exact(16) {
        let cipher = <[u8; 16]>::try_from(chunk).unwrap_or_default();
        let mut block = cipher;
        aes.decrypt_block(&mut block);
        for (byte, p) in block.iter_mut().zip(previous) {
            *byte ^= p;
        }
        out.extend_from_slice(&block);
        previous = cipher;
    }
    out
}

/// CBC encryption of whole blocks (`data` is a multiple of 16 bytes where it is used), no padding.
pub(crate) fn cbc_encrypt(aes: &Aes, iv: [u8; 16], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut previous = iv;
    for chunk in data.chunks_exact(16) {
        let mut block = <[u8; 16]>::try_from(chunk).unwrap_or_default();
        for (byte, p) in block.iter_mut().zip(previous) {
            *byte ^= p;
        }
        aes.encrypt_block(&mut block);
        out.extend_from_slice(&block);
        previous = block;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::pdf_crypt::hex;

    fn bytes(hex: &str) -> Vec<u8> {
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn fips_197_examples() {
        let plain: [u8; 16] = bytes("00112233445566778899aabbccddeeff")
            .try_into()
            .unwrap();
        for (key, cipher) in [
            (
                "000102030405060708090a0b0c0d0e0f",
                "69c4e0d86a7b0430d8cdb78070b4c55a",
            ),
            (
                "000102030405060708090a0b0c0d0e0f1011121314151617",
                "dda97ca4864cdfe06eaf70a0ec0d7191",
            ),
            (
                "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                "8ea2b7ca516745bfeafc49904b496089",
            ),
        ] {
            let aes = Aes::new(&bytes(key)).unwrap();
            let mut block = plain;
            aes.encrypt_block(&mut block);
            assert_eq!(hex(&block), cipher, "key {key}");
            aes.decrypt_block(&mut block);
            assert_eq!(block, plain, "key {key}");
        }
    }

    #[test]
    fn cbc_round_trips() {
        // NIST SP 800-38A F.2.1, first two blocks.
        let aes = Aes::new(&bytes("2b7e151628aed2a6abf7158809cf4f3c")).unwrap();
        let iv: [u8; 16] = bytes("000102030405060708090a0b0c0d0e0f")
            .try_into()
            .unwrap();
        let plain = bytes("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
        let cipher = cbc_encrypt(&aes, iv, &plain);
        assert_eq!(
            hex(&cipher),
            "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
        );
        assert_eq!(cbc_decrypt(&aes, iv, &cipher), plain);
    }
}
