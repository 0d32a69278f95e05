//! RC4: the cipher of the standard security handler's revisions 2 to 4 (40- to 128-bit keys),
//! and of its password check. Encrypting and decrypting are the same operation.

pub(crate) fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    if key.is_empty() {
        return data.to_vec();
    }
    let mut s = [0u8; 256];
    for (slot, value) in s.iter_mut().zip(0u8..=255) {
        *slot = value;
    }
    let mut j = 0u8;
    for (i, k) in (0..256).zip(key.iter().cycle()) {
        j = j.wrapping_add(s[i]).wrapping_add(*k);
        s.swap(i, usize::from(j));
    }
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|byte| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s[usize::from(i)]);
            s.swap(usize::from(i), usize::from(j));
            let k = s[usize::from(s[usize::from(i)].wrapping_add(s[usize::from(j)]))];
            byte ^ k
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::pdf_crypt::hex;

    #[test]
    fn known_streams() {
        assert_eq!(hex(&rc4(b"Key", b"Plaintext")), "bbf316e8d940af0ad3");
        assert_eq!(hex(&rc4(b"Wiki", b"pedia")), "1021bf0420");
        assert_eq!(rc4(b"Key", &rc4(b"Key", b"round trip")), b"round trip");
    }
}
