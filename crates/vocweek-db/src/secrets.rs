//! Tokens, API keys and passwords: generated here, stored only as hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::distributions::Alphanumeric;
use rand::{Rng, RngCore};

use crate::{DbError, DbResult};

/// Characters of a token kept in clear to tell tokens apart (`vwu_1a2b3c4d`).
pub const PREFIX_LEN: usize = 12;

/// A new random token with a readable kind marker: `vwu_` upload, `vws_` session, `vwp_` partner.
pub fn new_token(marker: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("{marker}_{}", hex::encode(bytes))
}

/// How a token is found in the database: a fast hash is enough for 256 random bits.
pub fn token_hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

pub fn token_prefix(token: &str) -> String {
    token.chars().take(PREFIX_LEN).collect()
}

/// A generated password: 20 letters and digits, easy to copy, ~119 bits.
pub fn new_password() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

pub fn hash_password(password: &str) -> DbResult<String> {
    let salt = SaltString::generate(&mut rand::thread_rng());
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| DbError::Password(e.to_string()))
}

pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_hash_stably() {
        let a = new_token("vwu");
        let b = new_token("vwu");
        assert_ne!(a, b);
        assert!(a.starts_with("vwu_"));
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_eq!(token_prefix(&a).len(), PREFIX_LEN);
    }

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("x", "not a phc string"));
    }
}
